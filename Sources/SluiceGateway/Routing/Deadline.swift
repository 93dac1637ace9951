import SluiceProviders

/// Races an operation against a deadline. When the deadline passes first, the operation's task is
/// cancelled and a ``ProviderError/timeout(upstream:message:)`` is thrown.
enum Deadline {
    static func race<Value: Sendable>(
        until deadline: ContinuousClock.Instant, upstream: String, what: String,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await withThrowingTaskGroup(of: Value.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                throw ProviderError.timeout(upstream: upstream, message: what)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
