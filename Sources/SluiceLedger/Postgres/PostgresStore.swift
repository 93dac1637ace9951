import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The ledger store for several gateway replicas: one PostgreSQL database that they share.
///
/// Budgets stay exact across every replica because the database decides each reservation: one statement
/// adds the amount to the period's `budget_state` row only if settled spend plus open reservations plus
/// the amount stays within the limit, and PostgreSQL re-checks that condition after waiting for the
/// row's lock, so concurrent reservations from any number of processes never overrun it. Each
/// reservation also has a `budget_reservations` row with an expiry, so that ``expireReservations(now:)``
/// can free what a crashed replica had reserved; releasing, settling and expiring subtract exactly the
/// reservation rows they delete, so no amount is subtracted twice.
///
/// The store owns a connection pool, which runs until ``close()``. A call that gets no connection within
/// 10 seconds (the server is down or unreachable, or every connection is busy) fails with
/// ``LedgerError/storeFailure(_:)`` rather than waiting for the pool's own circuit breaker (a minute).
///
/// ```swift
/// let store = try await PostgresStore(url: "postgres://sluice@db:5432/sluice", baseCurrency: .usd, logger: logger)
/// try await store.migrate()
/// // ...
/// try await store.close()
/// ```
public final class PostgresStore: Store {
    /// The ledger's base currency, the one `baseCost` of every record and usage totals are in.
    public let baseCurrency: Currency
    /// The schema that holds the tables, or nil for the connection's default search path.
    public let schema: String?
    let client: PostgresClient
    let logger: Logger
    let reservationIDs = CountedIDs(prefix: "res_", randomHexDigits: 16)
    /// `host:port`, for messages.
    let server: String
    private let runner: Task<Void, Never>
    private let closed = Atomic<Bool>(false)

    /// Starts a connection pool for `configuration`. Connections open on first use; call ``migrate()``
    /// before using a new database.
    ///
    /// - Parameters:
    ///   - schema: keeps the ledger's tables in this schema (created by ``migrate()``): lower-case
    ///     letters, digits and underscores.
    public init(
        configuration: PostgresClient.Configuration, schema: String? = nil, baseCurrency: Currency, logger: Logger
    ) async throws(LedgerError) {
        var configuration = configuration
        if let schema {
            guard Self.isPlainIdentifier(schema) else {
                throw .invalidArgument("a PostgreSQL schema name must be lower-case letters, digits and underscores, got '\(schema)'")
            }
            configuration.options.additionalStartupParameters.append(("search_path", schema))
        }
        self.schema = schema
        self.server = configuration.unixSocketPath ?? "\(configuration.host ?? "?"):\(configuration.port ?? 5432)"
        self.baseCurrency = baseCurrency
        self.logger = logger
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        // Returns once the pool's task has begun, so that the first query finds the pool running.
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        self.runner = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
    }

    /// Starts a connection pool for a URL such as `postgres://user:password@host:5432/database`; see
    /// ``init(configuration:schema:baseCurrency:logger:)``.
    ///
    /// - Parameters:
    ///   - url: `postgres://` or `postgresql://`, with an optional `?sslmode=` (`disable`, `prefer`,
    ///     `require`, `verify-ca`, `verify-full`; default `prefer`).
    ///   - maximumConnections: the most connections the pool opens.
    public convenience init(
        url: String, schema: String? = nil, maximumConnections: Int = 20, baseCurrency: Currency, logger: Logger
    ) async throws(LedgerError) {
        var configuration = try PostgresURL.configuration(url)
        configuration.options.maximumConnections = max(maximumConnections, 1)
        try await self.init(configuration: configuration, schema: schema, baseCurrency: baseCurrency, logger: logger)
    }

    /// Shuts the connection pool down. Further calls throw.
    public func close() async throws(LedgerError) {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        runner.cancel()
        await runner.value
    }

    /// Throws once the store is closed.
    func checkOpen() throws(LedgerError) {
        if closed.load(ordering: .acquiring) { throw .storeFailure("the PostgreSQL ledger is closed") }
    }

    /// Whether `name` can go into SQL unquoted: a lower-case letter or underscore, then lower-case letters,
    /// digits and underscores, at most 63 in all.
    static func isPlainIdentifier(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 63, ("a"..."z").contains(first) || first == "_" else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
