import Foundation
import SQLiteNIO

extension SQLiteStore {
    static let usageColumns = """
        request_id, started_at, key_id, owner, route, model, upstream, status, prompt_tokens, cached_tokens, \
        completion_tokens, reasoning_tokens, cost_nanos, cost_currency, base_cost_nanos, latency_ms, ttft_ms, \
        experiment_arm, cache_hit
        """
    /// The usage columns plus the settlement each row carries (its record; the writer applies it to `budget_spend`).
    static let insertColumns = usageColumns + ", charge_key_id, charge_period, charge_nanos, charge_currency"
    static let insertColumnCount = 23

    /// Appends the records to the journal, durable when this returns, and settles them at once; the
    /// writer thread moves them into the database within ``ingestDelay``. Without the journal (another
    /// store on this file holds it), commits them in one transaction on the usage writer's thread.
    public func record(_ entries: [LedgerEntry]) async throws(LedgerError) {
        guard !entries.isEmpty else { return }
        if try recordDirectly(entries) { return }
        try await usageWriter.run { _ throws(LedgerError) in try self.commitOnWriterThread(entries) }
    }

    public func usageRecord(requestID: String) async throws(LedgerError) -> UsageRecord? {
        try checkOpen()
        try await flushJournal()
        let rows = try await reader.rows(
            "SELECT \(Self.usageColumns) FROM usage WHERE request_id = ?", [.text(requestID)])
        return try rows.first.map { row throws(LedgerError) in try UsageRecord(row, baseCurrency: baseCurrency) }
    }

    public func usage(_ query: UsageQuery) async throws(LedgerError) -> [UsageTotal] {
        try checkOpen()
        try await flushJournal()
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

    /// Deletes in transactions of ``pruneChunk`` rows on the usage writer's thread, so that the group
    /// commit runs between them.
    public func pruneUsage(before date: Date) async throws(LedgerError) -> Int {
        try checkOpen()
        try await flushJournal()
        let micros = StoreColumns.micros(date)
        var total = 0
        while true {
            let deleted = try await usageWriter.run { writer throws(LedgerError) -> Int in
                try self.checkOpen()
                return try writer.pruneUsage(beforeMicros: micros, limit: Self.pruneChunk)
            }
            total += deleted
            if deleted < Self.pruneChunk { return total }
        }
    }

    /// The most rows one pruning transaction deletes.
    static let pruneChunk = 5_000

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
}

extension SQLiteStore: DirectRecorder {
    /// Journals the records (see ``record(_:)``); false, doing nothing, when this store has no journal.
    public func recordDirectly(_ entries: [LedgerEntry]) throws(LedgerError) -> Bool {
        guard let journal else { return false }
        try checkOpen()
        let batch = try LedgerBatch(entries, baseCurrency: baseCurrency)
        try self.journal(entries, to: journal, batch: batch)
        return true
    }

    /// Writes the records (ignoring request ids already stored) in one transaction on the usage
    /// writer's connection, which adds the settlements of the rows actually inserted to `budget_spend`
    /// in the same transaction. Then moves the settled amounts from reserved to spent in memory and
    /// closes every reservation the batch settles. The path of a store without the journal.
    func commitOnWriterThread(_ entries: [LedgerEntry]) throws(LedgerError) {
        try checkOpen()
        let batch = try LedgerBatch(entries, baseCurrency: baseCurrency)
        do throws(LedgerError) {
            let charges = try usageWriter.insert(batch)
            budgets.withLock { $0.settle(charges, closing: batch.reservationIDs) }
        } catch {
            // The commit may or may not have happened: read these periods' spend again when next needed.
            budgets.withLock { $0.forget(batch.periods) }
            throw error
        }
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
