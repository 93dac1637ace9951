import Foundation
import SQLiteNIO

extension SQLiteStore {
    static let usageColumns = """
        request_id, started_at, key_id, owner, route, model, upstream, status, prompt_tokens, cached_tokens, \
        completion_tokens, reasoning_tokens, cost_nanos, cost_currency, base_cost_nanos, latency_ms, ttft_ms, \
        experiment_arm, cache_hit
        """
    static let usageColumnCount = 19
    /// The usage columns plus the settlement each row carries (see the schema's trigger).
    static let insertColumns = usageColumns + ", charge_key_id, charge_period, charge_nanos, charge_currency"
    static let insertColumnCount = usageColumnCount + 4
    /// Records per INSERT: 1,000 × 23 parameters stays below SQLite's limit of 32,766.
    static let recordsPerStatement = 1_000

    /// Writes the records (ignoring request ids already stored); the schema's trigger adds the
    /// settlements of the rows actually inserted to `budget_spend` within the same statement. Then moves
    /// the settled amounts from reserved to spent in memory and closes every reservation the batch settles.
    ///
    /// A batch of up to ``recordsPerStatement`` records is one statement in autocommit mode: one round
    /// trip to SQLite's thread, atomic on its own. Larger batches run in one transaction.
    public func record(_ entries: [LedgerEntry]) async throws(LedgerError) {
        guard !entries.isEmpty else { return }
        let batch = try LedgerBatch(entries, baseCurrency: baseCurrency)
        let records = batch.records
        var settlements: [String: Settlement] = [:]
        for entry in entries where settlements[entry.record.requestID] == nil {
            if let settlement = entry.settlement { settlements[entry.record.requestID] = settlement }
        }
        try checkOpen()
        try await gate.run { () async throws(LedgerError) in
            try checkOpen()
            do throws(LedgerError) {
                var inserted = Set<String>()
                if records.count <= Self.recordsPerStatement {
                    inserted = try await insertBatch(records[...], settlements: settlements)
                } else {
                    try await transaction { () async throws(LedgerError) in
                        for start in stride(from: 0, to: records.count, by: Self.recordsPerStatement) {
                            let chunk = records[start..<min(start + Self.recordsPerStatement, records.count)]
                            inserted.formUnion(try await insertBatch(chunk, settlements: settlements))
                        }
                    }
                }
                let charges = LedgerBatch.charges(batch.settlements(inserted: inserted))
                budgets.withLock { $0.settle(charges, closing: batch.reservationIDs) }
            } catch {
                // The commit may or may not have happened: read these periods' spend again when next needed.
                budgets.withLock { $0.forget(batch.periods) }
                throw error
            }
        }
    }

    /// Inserts one statement's worth of records and returns the request ids it stored. The usual case,
    /// no id already stored, is a plain INSERT; if it fails (a duplicate id from a retried batch, or a
    /// real error), nothing of it was applied, and an INSERT OR IGNORE … RETURNING says which rows are new.
    private func insertBatch(
        _ records: ArraySlice<UsageRecord>, settlements: [String: Settlement]
    ) async throws(LedgerError) -> Set<String> {
        let binds = Self.binds(records, settlements: settlements)
        do {
            try await writer.execute(Self.insertUsageSQL(rows: records.count, ignoringDuplicates: false), binds)
            return Set(records.map(\.requestID))
        } catch {
            var inserted = Set<String>()
            for row in try await writer.rows(Self.insertUsageSQL(rows: records.count, ignoringDuplicates: true), binds) {
                inserted.insert(try row.text("request_id"))
            }
            return inserted
        }
    }

    public func usageRecord(requestID: String) async throws(LedgerError) -> UsageRecord? {
        try checkOpen()
        let rows = try await reader.rows(
            "SELECT \(Self.usageColumns) FROM usage WHERE request_id = ?", [.text(requestID)])
        return try rows.first.map { row throws(LedgerError) in try UsageRecord(row, baseCurrency: baseCurrency) }
    }

    public func usage(_ query: UsageQuery) async throws(LedgerError) -> [UsageTotal] {
        try checkOpen()
        var conditions: [String] = []
        var binds: [SQLiteData] = []
        if let since = query.since {
            conditions.append("started_at >= ?")
            binds.append(.int64(StoreColumns.micros(since)))
        }
        if let until = query.until {
            conditions.append("started_at < ?")
            binds.append(.int64(StoreColumns.micros(until)))
        }
        if let keyID = query.keyID {
            conditions.append("key_id = ?")
            binds.append(.text(keyID))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try await reader.rows(
            """
            SELECT \(Self.groupExpression(query.groupBy)) AS grp, COUNT(*) AS requests,
                SUM(status >= 400) AS errors, SUM(cache_hit) AS cache_hits,
                SUM(prompt_tokens) AS prompt, SUM(cached_tokens) AS cached,
                SUM(completion_tokens) AS completion, SUM(reasoning_tokens) AS reasoning,
                SUM(base_cost_nanos) AS cost
            FROM usage \(filter) GROUP BY grp ORDER BY cost DESC, grp
            """, binds)
        var totals: [UsageTotal] = []
        for row in rows {
            totals.append(UsageTotal(
                group: try row.text("grp"), requests: try row.int("requests"), errors: try row.int("errors"),
                cacheHits: try row.int("cache_hits"),
                tokens: TokenCounts(
                    prompt: try row.int("prompt"), cached: try row.int("cached"),
                    completion: try row.int("completion"), reasoning: try row.int("reasoning")),
                cost: Money(nanos: try row.int64("cost"), currency: baseCurrency)))
        }
        return totals
    }

    public func pruneUsage(before date: Date) async throws(LedgerError) -> Int {
        try await writeTransaction { () async throws(LedgerError) -> Int in
            try await writer.execute("DELETE FROM usage WHERE started_at < ?", [.int64(StoreColumns.micros(date))])
            return try await writer.rows("SELECT changes() AS deleted").first?.int("deleted") ?? 0
        }
    }

    /// The SQL for one group of `UsageGrouping`; requests without a key or owner fall in `-`, and days
    /// are UTC calendar days (floor division, so instants before 1970 land on the right day too).
    static func groupExpression(_ grouping: UsageGrouping) -> String {
        switch grouping {
        case .key: "COALESCE(key_id, '-')"
        case .owner: "COALESCE(owner, '-')"
        case .model: "model"
        case .route: "route"
        case .day:
            "date(((started_at - ((started_at % \(StoreColumns.microsPerDay)) + \(StoreColumns.microsPerDay)) % \(StoreColumns.microsPerDay)) / \(StoreColumns.microsPerDay)) * 86400, 'unixepoch')"
        }
    }

    static func insertUsageSQL(rows: Int, ignoringDuplicates: Bool) -> String {
        let row = "(" + Array(repeating: "?", count: insertColumnCount).joined(separator: ", ") + ")"
        return (ignoringDuplicates ? "INSERT OR IGNORE" : "INSERT") + " INTO usage (\(insertColumns)) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ") + (ignoringDuplicates ? " RETURNING request_id" : "")
    }

    static func binds(_ records: ArraySlice<UsageRecord>, settlements: [String: Settlement]) -> [SQLiteData] {
        var binds: [SQLiteData] = []
        binds.reserveCapacity(records.count * insertColumnCount)
        for record in records {
            let settlement = settlements[record.requestID]
            binds += [
                .text(record.requestID), .int64(StoreColumns.micros(record.startedAt)), .optionalText(record.keyID),
                .optionalText(record.owner), .text(record.route), .text(record.model), .text(record.upstream),
                .int(record.status), .int(record.tokens.prompt), .int(record.tokens.cached),
                .int(record.tokens.completion), .int(record.tokens.reasoning), .int64(record.cost.nanos),
                .text(record.cost.currency.code), .int64(record.baseCost.nanos), .int(record.latencyMs),
                .optionalInt(record.ttftMs), .optionalText(record.experimentArm), .bool(record.cacheHit),
                .optionalText(settlement?.reservation.keyID),
                settlement.map { .int64($0.reservation.periodStart) } ?? .null,
                settlement.map { .int64($0.charge.nanos) } ?? .null,
                .optionalText(settlement?.charge.currency.code),
            ]
        }
        return binds
    }
}

extension UsageRecord {
    /// A record from a row of `SQLiteStore.usageColumns`.
    init(_ row: SQLiteRow, baseCurrency: Currency) throws(LedgerError) {
        self.init(
            requestID: try row.text("request_id"), startedAt: StoreColumns.date(micros: try row.int64("started_at")),
            keyID: try row.optionalText("key_id"), owner: try row.optionalText("owner"), route: try row.text("route"),
            model: try row.text("model"), upstream: try row.text("upstream"), status: try row.int("status"),
            tokens: TokenCounts(
                prompt: try row.int("prompt_tokens"), cached: try row.int("cached_tokens"),
                completion: try row.int("completion_tokens"), reasoning: try row.int("reasoning_tokens")),
            cost: Money(nanos: try row.int64("cost_nanos"), currency: Currency(try row.text("cost_currency"))),
            baseCost: Money(nanos: try row.int64("base_cost_nanos"), currency: baseCurrency),
            latencyMs: try row.int("latency_ms"), ttftMs: try row.optionalInt("ttft_ms"),
            experimentArm: try row.optionalText("experiment_arm"), cacheHit: try row.bool("cache_hit"))
    }
}
