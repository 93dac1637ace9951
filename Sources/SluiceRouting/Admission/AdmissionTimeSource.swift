/// Where an ``AdmissionGate`` reads the time and sleeps: the continuous clock, or (in tests) a clock
/// moved by hand. Instants are always `ContinuousClock.Instant`s.
struct AdmissionTimeSource: Sendable {
    let now: @Sendable () -> ContinuousClock.Instant
    /// Sleeps until the instant, throwing `CancellationError` if the task is cancelled.
    let sleep: @Sendable (ContinuousClock.Instant) async throws -> Void

    static let continuous = AdmissionTimeSource(
        now: { ContinuousClock.now },
        sleep: { deadline in try await Task.sleep(until: deadline, clock: .continuous) })
}
