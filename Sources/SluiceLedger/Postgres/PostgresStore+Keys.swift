import Foundation
import PostgresNIO

extension PostgresStore {
    static let keyColumns = """
        id, secret_hash, display_prefix, owner, tier, allowed_models, rpm, tpm, budget_limit_nanos, \
        budget_currency, budget_period, response_cache, created_at, expires_at, revoked_at
        """

    public func insertKey(_ key: VirtualKey) async throws(LedgerError) {
        let models = try StoreColumns.encodeModels(key.allowedModels)
        let query: PostgresQuery = """
            INSERT INTO keys (\(unescaped: Self.keyColumns)) VALUES (
                \(key.id), \(key.secretHash), \(key.displayPrefix), \(key.owner), \(key.tier), \(models),
                \(key.rpm.map(Int64.init)), \(key.tpm.map(Int64.init)), \(key.budget?.limit.nanos),
                \(key.budget?.limit.currency.code), \(key.budget?.period.rawValue), \(key.responseCache),
                \(StoreColumns.micros(key.createdAt)), \(key.expiresAt.map(StoreColumns.micros)),
                \(key.revokedAt.map(StoreColumns.micros)))
            """
        do {
            _ = try await leasing { [logger] connection in try await connection.query(query, logger: logger).collect() }
        } catch {
            if LedgerError.sqlState(of: error) == PostgresState.uniqueViolation { throw .duplicateKey(key.id) }
            throw .postgres(error)
        }
    }

    public func key(secretHash: String) async throws(LedgerError) -> VirtualKey? {
        try await keys(where: "WHERE secret_hash = \(secretHash)").first
    }

    public func key(id: String) async throws(LedgerError) -> VirtualKey? {
        try await keys(where: "WHERE id = \(id)").first
    }

    public func keys() async throws(LedgerError) -> [VirtualKey] {
        try await keys(where: "")
    }

    public func revokeKey(id: String, at date: Date) async throws(LedgerError) -> Bool {
        let revoked = try await rows(
            "UPDATE keys SET revoked_at = \(StoreColumns.micros(date)) WHERE id = \(id) AND revoked_at IS NULL RETURNING id")
        if !revoked.isEmpty { return true }
        guard try await !rows("SELECT 1 AS found FROM keys WHERE id = \(id)").isEmpty else { throw .keyNotFound(id) }
        return false
    }

    private func keys(where condition: PostgresQuery) async throws(LedgerError) -> [VirtualKey] {
        let query = PostgresQuery(
            unsafeSQL: "SELECT \(Self.keyColumns) FROM keys \(condition.sql) ORDER BY created_at, id COLLATE \"C\"",
            binds: condition.binds)
        var keys: [VirtualKey] = []
        for row in try await rows(query) { keys.append(try VirtualKey(row)) }
        return keys
    }
}

extension VirtualKey {
    /// A key from a row of `PostgresStore.keyColumns`.
    init(_ row: PostgresRandomAccessRow) throws(LedgerError) {
        self.init(
            id: try row.value("id"), secretHash: try row.value("secret_hash"),
            displayPrefix: try row.value("display_prefix"), owner: try row.value("owner"), tier: try row.value("tier"),
            allowedModels: try StoreColumns.decodeModels(try row.value("allowed_models")),
            rpm: try row.optionalInt("rpm"), tpm: try row.optionalInt("tpm"),
            budget: try StoreColumns.budget(
                limitNanos: try row.value("budget_limit_nanos"), currency: try row.value("budget_currency"),
                period: try row.value("budget_period")),
            responseCache: try row.value("response_cache"),
            createdAt: StoreColumns.date(micros: try row.value("created_at")),
            expiresAt: try row.value("expires_at", as: Int64?.self).map(StoreColumns.date(micros:)),
            revokedAt: try row.value("revoked_at", as: Int64?.self).map(StoreColumns.date(micros:)))
    }
}
