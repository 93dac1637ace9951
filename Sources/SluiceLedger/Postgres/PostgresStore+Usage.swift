import Foundation
import PostgresNIO

extension PostgresStore {
    static let usageColumns = """
        request_id, started_at, key_id, owner, route, model, upstream, status, prompt_tokens, cached_tokens, \
        completion_tokens, reasoning_tokens, cost_nanos, cost_currency, base_cost_nanos, latency_ms, ttft_ms, \
        experiment_arm, cache_hit
        """
    static let usageColumnCount = 19
    /// Records per INSERT: 1000 × 19 parameters stays below PostgreSQL's limit of 65535.
    static let recordsPerStatement = 1000

    /// Writes the records (ignoring request ids already stored), and for the records it inserted closes
    /// their reservations and adds their charges to settled spend, in one transaction.
    public func record(_ entries: [LedgerEntry]) async throws(LedgerError) {
        guard !entries.isEmpty else { return }
        let batch = try LedgerBatch(entries, baseCurrency: baseCurrency)
        try await transaction { [self] (connection) async throws(LedgerError) in
            var inserted = Set<String>()
            let records = batch.records
            for start in stride(from: 0, to: records.count, by: Self.recordsPerStatement) {
                let chunk = records[start..<min(start + Self.recordsPerStatement, records.count)]
                for row in try await connection.rows(Self.insertUsage(chunk), logger: logger) {
                    inserted.insert(try row.value("request_id"))
                }
            }
            let settlements = batch.settlements(inserted: inserted)
            guard !settlements.isEmpty else { return }
            // Only what the DELETE actually removes is subtracted: a reservation that was released or
            // expired meanwhile is not subtracted twice.
            let gone = try await connection.rows("""
                DELETE FROM budget_reservations WHERE id = ANY(\(settlements.map(\.reservation.id))::TEXT[])
                RETURNING key_id, period_start, amount_nanos
                """, logger: logger)
            var adjustments: [LedgerBatch.Period: BudgetAdjustment] = [:]
            for charge in LedgerBatch.charges(settlements) {
                adjustments[charge.period] = BudgetAdjustment(
                    period: charge.period, currency: charge.amount.currency, spent: charge.amount.nanos, freed: 0)
            }
            for row in gone {
                let period = LedgerBatch.Period(keyID: try row.value("key_id"), start: try row.value("period_start"))
                adjustments[period]?.freed += try row.value("amount_nanos", as: Int64.self)
            }
            try await adjust(Array(adjustments.values), on: connection)
        }
    }

    public func usageRecord(requestID: String) async throws(LedgerError) -> UsageRecord? {
        let rows = try await rows("SELECT \(unescaped: Self.usageColumns) FROM usage WHERE request_id = \(requestID)")
        return try rows.first.map { row throws(LedgerError) in try UsageRecord(row, baseCurrency: baseCurrency) }
    }

    public func usage(_ query: UsageQuery) async throws(LedgerError) -> [UsageTotal] {
        var conditions: [String] = []
        var binds = PostgresBindings()
        if let since = query.since {
            binds.append(StoreColumns.micros(since))
            conditions.append("started_at >= $\(binds.count)")
        }
        if let until = query.until {
            binds.append(StoreColumns.micros(until))
            conditions.append("started_at < $\(binds.count)")
        }
        if let keyID = query.keyID {
            binds.append(keyID)
            conditions.append("key_id = $\(binds.count)")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let group = Self.groupExpression(query.groupBy)
        let rows = try await rows(PostgresQuery(unsafeSQL: """
            SELECT \(group) AS grp, COUNT(*)::BIGINT AS requests,
                (COUNT(*) FILTER (WHERE status >= 400))::BIGINT AS errors,
                (COUNT(*) FILTER (WHERE cache_hit))::BIGINT AS cache_hits,
                SUM(prompt_tokens)::BIGINT AS prompt, SUM(cached_tokens)::BIGINT AS cached,
                SUM(completion_tokens)::BIGINT AS completion, SUM(reasoning_tokens)::BIGINT AS reasoning,
                SUM(base_cost_nanos)::BIGINT AS cost
            FROM usage \(filter) GROUP BY 1 ORDER BY cost DESC, \(group) COLLATE "C"
            """, binds: binds))
        var totals: [UsageTotal] = []
        for row in rows {
            totals.append(UsageTotal(
                group: try row.value("grp"), requests: try row.int("requests"), errors: try row.int("errors"),
                cacheHits: try row.int("cache_hits"),
                tokens: TokenCounts(
                    prompt: try row.int("prompt"), cached: try row.int("cached"),
                    completion: try row.int("completion"), reasoning: try row.int("reasoning")),
                cost: Money(nanos: try row.value("cost"), currency: baseCurrency)))
        }
        return totals
    }

    public func pruneUsage(before date: Date) async throws(LedgerError) -> Int {
        let rows = try await rows("""
            WITH gone AS (DELETE FROM usage WHERE started_at < \(StoreColumns.micros(date)) RETURNING 1)
            SELECT COUNT(*)::BIGINT AS deleted FROM gone
            """)
        return try rows.first?.int("deleted") ?? 0
    }

    /// The SQL for one group of `UsageGrouping`; requests without a key or owner fall in `-`, and days
    /// are UTC calendar days (floor division, so instants before 1970 land on the right day too).
    static func groupExpression(_ grouping: UsageGrouping) -> String {
        let day = StoreColumns.microsPerDay
        return switch grouping {
        case .key: "COALESCE(key_id, '-')"
        case .owner: "COALESCE(owner, '-')"
        case .model: "model"
        case .route: "route"
        case .day:
            "to_char(DATE '1970-01-01' + ((started_at - ((started_at % \(day)) + \(day)) % \(day)) / \(day))::INTEGER, 'YYYY-MM-DD')"
        }
    }

    /// A multi-row INSERT of `records` that skips request ids already stored and returns the ids it inserted.
    static func insertUsage(_ records: ArraySlice<UsageRecord>) -> PostgresQuery {
        var binds = PostgresBindings(capacity: records.count * usageColumnCount)
        var values: [String] = []
        values.reserveCapacity(records.count)
        for record in records {
            let first = binds.count + 1
            binds.append(record.requestID)
            binds.append(StoreColumns.micros(record.startedAt))
            binds.append(record.keyID)
            binds.append(record.owner)
            binds.append(record.route)
            binds.append(record.model)
            binds.append(record.upstream)
            binds.append(Int64(record.status))
            binds.append(Int64(record.tokens.prompt))
            binds.append(Int64(record.tokens.cached))
            binds.append(Int64(record.tokens.completion))
            binds.append(Int64(record.tokens.reasoning))
            binds.append(record.cost.nanos)
            binds.append(record.cost.currency.code)
            binds.append(record.baseCost.nanos)
            binds.append(Int64(record.latencyMs))
            binds.append(record.ttftMs.map { Int64($0) })
            binds.append(record.experimentArm)
            binds.append(record.cacheHit)
            values.append("(" + (first..<first + usageColumnCount).map { "$\($0)" }.joined(separator: ", ") + ")")
        }
        return PostgresQuery(unsafeSQL: """
            INSERT INTO usage (\(usageColumns)) VALUES \(values.joined(separator: ", "))
            ON CONFLICT (request_id) DO NOTHING RETURNING request_id
            """, binds: binds)
    }
}

extension UsageRecord {
    /// A record from a row of `PostgresStore.usageColumns`.
    init(_ row: PostgresRandomAccessRow, baseCurrency: Currency) throws(LedgerError) {
        self.init(
            requestID: try row.value("request_id"), startedAt: StoreColumns.date(micros: try row.value("started_at")),
            keyID: try row.value("key_id"), owner: try row.value("owner"), route: try row.value("route"),
            model: try row.value("model"), upstream: try row.value("upstream"), status: try row.int("status"),
            tokens: TokenCounts(
                prompt: try row.int("prompt_tokens"), cached: try row.int("cached_tokens"),
                completion: try row.int("completion_tokens"), reasoning: try row.int("reasoning_tokens")),
            cost: Money(nanos: try row.value("cost_nanos"), currency: Currency(try row.value("cost_currency", as: String.self))),
            baseCost: Money(nanos: try row.value("base_cost_nanos"), currency: baseCurrency),
            latencyMs: try row.int("latency_ms"), ttftMs: try row.optionalInt("ttft_ms"),
            experimentArm: try row.value("experiment_arm"), cacheHit: try row.value("cache_hit"))
    }
}
