/// Proof of one admission by an ``AdmissionGate``: hand it back to ``AdmissionGate/leave(_:actualTokens:)``
/// when the upstream call ends. Leaving with the same ticket again does nothing.
public struct AdmissionTicket: Sendable, Hashable {
    /// The tier whose policy applied (the unknown-tier policy's name for a tier the table does not name).
    public let tier: String
    /// The tokens counted against the backend's tokens per minute, until corrected on leaving.
    public let tokens: Int
    /// When the request was admitted.
    public let admittedAt: ContinuousClock.Instant
    /// How long the request waited in the queue (zero when admitted at once).
    public let waited: Duration

    /// The gate that issued the ticket; another gate ignores it.
    let gate: ObjectIdentifier
    /// The request's arrival number, which is also its id in the gate. Arrival and admission numbers come
    /// from one counter, so they order every arrival and admission of a gate.
    let id: UInt64
    /// The admission's number, from the same counter as ``id``.
    let admission: UInt64
}
