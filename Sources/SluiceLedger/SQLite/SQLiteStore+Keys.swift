import Foundation
import SQLiteNIO

extension SQLiteStore {
    static let keyColumns = """
        id, secret_hash, display_prefix, owner, tier, allowed_models, rpm, tpm, budget_limit_nanos, \
        budget_currency, budget_period, response_cache, created_at, expires_at, revoked_at
        """

    public func insertKey(_ key: VirtualKey) async throws(LedgerError) {
        let binds: [SQLiteData] = [
            .text(key.id), .text(key.secretHash), .text(key.displayPrefix), .text(key.owner), .text(key.tier),
            .text(try StoreColumns.encodeModels(key.allowedModels)), .optionalInt(key.rpm), .optionalInt(key.tpm),
            .optionalInt64(key.budget?.limit.nanos), .optionalText(key.budget?.limit.currency.code),
            .optionalText(key.budget?.period.rawValue), .bool(key.responseCache),
            .int64(StoreColumns.micros(key.createdAt)), .optionalInt64(key.expiresAt.map(StoreColumns.micros)),
            .optionalInt64(key.revokedAt.map(StoreColumns.micros)),
        ]
        try checkOpen()
        try await gate.run { () async throws(LedgerError) in
            try checkOpen()
            do {
                _ = try await writer.query(
                    "INSERT INTO keys (\(Self.keyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", binds)
            } catch {
                if LedgerError.isUniqueViolation(error) { throw .duplicateKey(key.id) }
                throw .sqlite(error)
            }
        }
    }

    public func key(secretHash: String) async throws(LedgerError) -> VirtualKey? {
        try await keys(where: "secret_hash = ?", [.text(secretHash)]).first
    }

    public func key(id: String) async throws(LedgerError) -> VirtualKey? {
        try await keys(where: "id = ?", [.text(id)]).first
    }

    public func keys() async throws(LedgerError) -> [VirtualKey] {
        try await keys(where: "1 = 1", [])
    }

    public func revokeKey(id: String, at date: Date) async throws(LedgerError) -> Bool {
        try await writeTransaction { () async throws(LedgerError) -> Bool in
            let revoked = try await writer.rows(
                "UPDATE keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id",
                [.int64(StoreColumns.micros(date)), .text(id)])
            if !revoked.isEmpty { return true }
            guard try await !writer.rows("SELECT 1 FROM keys WHERE id = ?", [.text(id)]).isEmpty else {
                throw .keyNotFound(id)
            }
            return false
        }
    }

    private func keys(where condition: String, _ binds: [SQLiteData]) async throws(LedgerError) -> [VirtualKey] {
        try checkOpen()
        let rows = try await reader.rows(
            "SELECT \(Self.keyColumns) FROM keys WHERE \(condition) ORDER BY created_at, id", binds)
        var keys: [VirtualKey] = []
        keys.reserveCapacity(rows.count)
        for row in rows { keys.append(try VirtualKey(row)) }
        return keys
    }
}

extension VirtualKey {
    /// A key from a row of `SQLiteStore.keyColumns`.
    init(_ row: SQLiteRow) throws(LedgerError) {
        self.init(
            id: try row.text("id"), secretHash: try row.text("secret_hash"),
            displayPrefix: try row.text("display_prefix"), owner: try row.text("owner"), tier: try row.text("tier"),
            allowedModels: try StoreColumns.decodeModels(try row.text("allowed_models")),
            rpm: try row.optionalInt("rpm"), tpm: try row.optionalInt("tpm"),
            budget: try StoreColumns.budget(
                limitNanos: try row.optionalInt64("budget_limit_nanos"), currency: try row.optionalText("budget_currency"),
                period: try row.optionalText("budget_period")),
            responseCache: try row.bool("response_cache"),
            createdAt: StoreColumns.date(micros: try row.int64("created_at")),
            expiresAt: try row.optionalInt64("expires_at").map(StoreColumns.date(micros:)),
            revokedAt: try row.optionalInt64("revoked_at").map(StoreColumns.date(micros:)))
    }
}
