import Logging
import PostgresNIO
import Synchronization

extension PostgresStore {
    /// How long a call waits for a pooled connection.
    static let leaseTimeout: Duration = .seconds(30)

    /// Runs `body` on a pooled connection, failing with ``LedgerError/storeFailure(_:)`` if none is leased
    /// within ``leaseTimeout`` (the body itself may take as long as it needs).
    func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws(LedgerError) -> Result {
        do {
            return try await leasing(body)
        } catch {
            throw .postgres(error)
        }
    }

    /// ``withConnection(_:)``, throwing the driver's errors as they are.
    func leasing<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try checkOpen()
        let leased = LeaseFlag()
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { [client] in
                try await client.withConnection { connection in
                    leased.set()
                    return try await body(connection)
                }
            }
            group.addTask { [server] in
                try await Task.sleep(for: Self.leaseTimeout)
                if leased.isSet { return nil }
                throw LedgerError.storeFailure(
                    "postgres: no connection to \(server) within \(Self.leaseTimeout) (is the server up and reachable?)")
            }
            while let outcome = try await group.next() {
                if let result = outcome {
                    group.cancelAll()
                    return result
                }
            }
            throw LedgerError.storeFailure("postgres: the query ended without a result")
        }
    }

    /// Runs one statement and collects its rows.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws(LedgerError) -> [PostgresRandomAccessRow] {
        try await withConnection { [logger] connection in
            try await connection.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
        }
    }

    /// Runs `body` as one transaction, trying it again (up to three times in all) if PostgreSQL aborts it
    /// for a deadlock or a serialization failure.
    func transaction<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws(LedgerError) -> Result
    ) async throws(LedgerError) -> Result {
        var attempt = 1
        while true {
            do {
                return try await leasing { [logger] connection in
                    try await connection.withTransaction(logger: logger) { connection in
                        try await body(connection)
                    }
                }
            } catch {
                let state = LedgerError.sqlState(of: error)
                guard attempt < 3, state == PostgresState.deadlockDetected || state == PostgresState.serializationFailure else {
                    throw .postgres(error)
                }
                logger.debug("retrying a PostgreSQL transaction", metadata: ["sqlstate": "\(state ?? "")"])
                attempt += 1
            }
        }
    }
}

/// Whether a connection has been leased; set once, from the task that leased it.
private final class LeaseFlag: Sendable {
    private let value = Atomic<Bool>(false)

    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

extension PostgresConnection {
    /// Runs one statement inside a transaction and collects its rows.
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws(LedgerError) -> [PostgresRandomAccessRow] {
        do {
            return try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
        } catch {
            throw .postgres(error)
        }
    }
}
