extension AdmissionGate {
    /// Runs `body` holding a slot of this gate, and leaves when it returns or throws.
    ///
    /// To report the tokens really used, call ``leave(_:actualTokens:)`` with the ticket inside `body`;
    /// the leave at the end is then a no-op.
    ///
    /// - Throws: the ``AdmissionRejection`` if the request is not admitted (and `body` does not run), or
    ///   whatever `body` throws.
    public func withAdmission<Value>(
        tier: String, tokens: Int, isolation: isolated (any Actor)? = #isolation,
        _ body: (AdmissionTicket) async throws -> Value
    ) async throws -> Value {
        let ticket = try await enter(tier: tier, tokens: tokens)
        defer { leave(ticket) }
        return try await body(ticket)
    }
}
