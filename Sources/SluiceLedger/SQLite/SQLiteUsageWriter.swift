import SQLiteNIO
import VaporCSQLite

/// The SQLite store's hot writes, usage rows and the budget spend they settle, on a connection and a
/// thread of its own.
///
/// Every request ends in a usage row, so this path decides what the ledger costs the gateway. The
/// records arrive through the store's ``UsageJournal``, and the store ingests them here in one
/// transaction per ~100 ms: bind-and-step per row on statements kept prepared, and one `budget_spend`
/// upsert per key and period. (SQLiteNIO would prepare a multi-row `INSERT` afresh for every batch and
/// hop through its shared thread pool and an event loop.)
///
/// Jobs run one at a time in the order submitted, so everything that reads or changes `budget_spend`
/// here (ingestions, and loading a period's spend into the store's budget book) is serialized with the
/// settlements. The library is SQLiteNIO's own bundled SQLite (`VaporCSQLite`), the one the store's
/// other connections use; their writes (keys, migrations) meet this connection's at SQLite's write
/// lock, with the same 5 s busy timeout as a second process.
final class SQLiteUsageWriter: @unchecked Sendable {
    // `@unchecked`: `connection` and the statements are touched only on `thread` (and by `close`, which
    // runs there too).
    private let connection: OpaquePointer
    private var insertStatement: OpaquePointer?
    private var spendStatement: OpaquePointer?
    private var chargeStatement: OpaquePointer?
    private let thread: NIOThreadPool
    private let path: String
    /// Pages in the WAL after the last commit, as SQLite's WAL hook reports them.
    private let walSize = WALSize()
    let checkpointer: SQLiteCheckpointer

    /// The WAL hook's report, and the WAL's size when a checkpoint was last requested; touched only
    /// on the writer's thread.
    private final class WALSize {
        var pages: Int32 = 0
        var requestedAt: Int32 = 0
    }

    private init(connection: OpaquePointer, thread: NIOThreadPool, path: String) {
        self.connection = connection
        self.thread = thread
        self.path = path
        self.checkpointer = SQLiteCheckpointer(path: path)
    }

    /// Opens a write connection to the (already created, WAL-mode) database at `path`, with the same
    /// settings as the store's other connections, and starts its thread.
    static func open(path: String) async throws(LedgerError) -> SQLiteUsageWriter {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let opened: Result<SQLiteUsageWriter, LedgerError> = await withCheckedContinuation { continuation in
            thread.submit { _ in
                do throws(LedgerError) {
                    let handle = try openConnection(path: path)
                    let writer = SQLiteUsageWriter(connection: handle, thread: thread, path: path)
                    // Our own WAL hook replaces SQLite's automatic checkpoint on this connection: the
                    // checkpointer's thread does it instead.
                    sqlite_nio_sqlite3_wal_hook(handle, { context, _, _, pages in
                        guard let context else { return SQLITE_OK }
                        Unmanaged<WALSize>.fromOpaque(context).takeUnretainedValue().pages = pages
                        return SQLITE_OK
                    }, Unmanaged.passUnretained(writer.walSize).toOpaque())
                    continuation.resume(returning: .success(writer))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        switch opened {
        case .success(let writer): return writer
        case .failure(let error):
            try? await thread.shutdownGracefully()
            throw error
        }
    }

    /// Opens a connection to the database at `path` with the settings every ledger connection uses:
    /// a 5 s busy timeout, `synchronous = NORMAL`, foreign keys on, extended result codes.
    static func openConnection(path: String) throws(LedgerError) -> OpaquePointer {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite_nio_sqlite3_close_v2(handle)
            throw .storeFailure("sqlite: cannot open \(path): \(message)")
        }
        for pragma in ["PRAGMA busy_timeout = 5000", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"] {
            let status = sqlite_nio_sqlite3_exec(handle, pragma, nil, nil, nil)
            guard status == SQLITE_OK else {
                let message = String(cString: sqlite_nio_sqlite3_errmsg(handle))
                sqlite_nio_sqlite3_close_v2(handle)
                throw .storeFailure("sqlite: \(pragma) failed on \(path): \(message)")
            }
        }
        return handle
    }

    /// Runs `job` on the writer's thread after every job submitted before it. `job` gets
    /// `.cancelled`, on the caller's thread, once the writer is closed; it must not touch the database then.
    func submit(_ job: @escaping @Sendable (NIOThreadPool.WorkItemState) -> Void) {
        thread.submit(job)
    }

    /// Runs `body` on the writer's thread and returns what it returns.
    func run<Value: Sendable>(
        _ body: @escaping @Sendable (SQLiteUsageWriter) throws(LedgerError) -> Value
    ) async throws(LedgerError) -> Value {
        let result: Result<Value, LedgerError> = await withCheckedContinuation { continuation in
            thread.submit { state in
                guard case .active = state else {
                    continuation.resume(returning: .failure(.storeFailure("the SQLite ledger at \(self.path) is closed")))
                    return
                }
                do throws(LedgerError) {
                    continuation.resume(returning: .success(try body(self)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Finalizes the statements, closes the connection, and stops the thread.
    func close() async throws(LedgerError) {
        let closed: Result<Void, LedgerError> = await withCheckedContinuation { continuation in
            thread.submit { state in
                guard case .active = state else { return continuation.resume(returning: .success(())) }
                for statement in [self.insertStatement, self.spendStatement, self.chargeStatement] {
                    if let statement { sqlite_nio_sqlite3_finalize(statement) }
                }
                self.insertStatement = nil
                self.spendStatement = nil
                self.chargeStatement = nil
                let status = sqlite_nio_sqlite3_close_v2(self.connection)
                continuation.resume(returning: status == SQLITE_OK
                    ? .success(()) : .failure(.storeFailure("sqlite: closing \(self.path) failed with code \(status)")))
            }
        }
        try? await thread.shutdownGracefully()
        await checkpointer.close()
        try closed.get()
    }

    // MARK: On the thread (call only from `submit` or `run`)

    /// After a commit: asks the checkpointer for a checkpoint each time the WAL has grown by a quarter
    /// of the threshold past it. Under steady writes a background checkpoint never quite catches up
    /// (frames keep arriving while it syncs), so the WAL could not restart; once it passes eight times
    /// the threshold the writer checkpoints the remaining tail itself, and its next transaction
    /// restarts the WAL from the beginning. That one wait, every few seconds under full load, bounds
    /// the file.
    private func checkpointIfDue() {
        let pages = walSize.pages
        if pages < walSize.requestedAt { walSize.requestedAt = 0 }
        let threshold = SQLiteCheckpointer.threshold
        if pages >= 8 * threshold {
            if sqlite_nio_sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK {
                checkpointer.completed.add(1, ordering: .relaxed)
            }
            walSize.requestedAt = 0
        } else if pages >= threshold, pages >= walSize.requestedAt + threshold / 4 {
            walSize.requestedAt = pages
            checkpointer.request()
        }
    }

    /// Inserts the batch's records in one transaction, and adds the settlements of the rows actually
    /// inserted to `budget_spend` in the same transaction, one upsert per key and period. A record whose
    /// request id is already stored is skipped (a retried batch), and settles nothing. Returns what the
    /// batch added to each period. On any error nothing of the batch is applied.
    func insert(_ batch: LedgerBatch) throws(LedgerError) -> [LedgerBatch.Charge] {
        let records = batch.records
        var settlements: [String: Settlement] = [:]
        for entry in batch.entries where settlements[entry.record.requestID] == nil {
            if let settlement = entry.settlement { settlements[entry.record.requestID] = settlement }
        }
        try execute("BEGIN IMMEDIATE")
        do throws(LedgerError) {
            let statement = try prepared(&insertStatement, Self.insertSQL)
            // The settlements of the rows actually inserted (a row already stored settled when it was).
            var applied: [Settlement] = []
            for record in records {
                let settlement = settlements[record.requestID]
                if try insert(record, settlement, with: statement), let settlement { applied.append(settlement) }
            }
            let charges = LedgerBatch.charges(applied)
            for charge in charges { try add(charge) }
            try execute("COMMIT")
            checkpointIfDue()
            return charges
        } catch {
            if sqlite_nio_sqlite3_get_autocommit(connection) == 0 { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Adds `charge` to its period's row of `budget_spend`, creating the row at the charge.
    private func add(_ charge: LedgerBatch.Charge) throws(LedgerError) {
        let statement = try prepared(&chargeStatement, Self.chargeSQL)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        var binder = Binder(statement: statement)
        binder.text(charge.period.keyID)
        binder.int(charge.period.start)
        binder.int(charge.amount.nanos)
        binder.text(charge.amount.currency.code)
        if let status = binder.failure { throw failure(status, doing: "binding a budget_spend update") }
        let status = sqlite_nio_sqlite3_step(statement)
        guard status == SQLITE_DONE else { throw failure(status, doing: "adding to budget_spend") }
    }

    private static let chargeSQL = """
        INSERT INTO budget_spend (key_id, period_start, spent_nanos, currency) VALUES (?, ?, ?, ?)
        ON CONFLICT (key_id, period_start) DO UPDATE SET spent_nanos = spent_nanos + excluded.spent_nanos
        """

    /// The settled spend stored for a key's period, nil if it has none.
    func spend(keyID: String, periodStart: Int64) throws(LedgerError) -> Money? {
        let statement = try prepared(&spendStatement, "SELECT spent_nanos, currency FROM budget_spend WHERE key_id = ? AND period_start = ?")
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        var binder = Binder(statement: statement)
        binder.text(keyID)
        binder.int(periodStart)
        if let status = binder.failure { throw failure(status, doing: "binding a budget_spend query") }
        switch sqlite_nio_sqlite3_step(statement) {
        case SQLITE_ROW:
            let nanos = sqlite_nio_sqlite3_column_int64(statement, 0)
            guard let text = sqlite_nio_sqlite3_column_text(statement, 1) else {
                throw .storeFailure("sqlite: budget_spend of key \(keyID) has no currency")
            }
            return Money(nanos: nanos, currency: Currency(String(cString: text)))
        case SQLITE_DONE:
            return nil
        case let status:
            throw failure(status, doing: "reading budget_spend")
        }
    }

    /// Deletes up to `limit` usage rows that started before `micros`, in one transaction. Returns how many.
    func pruneUsage(beforeMicros micros: Int64, limit: Int) throws(LedgerError) -> Int {
        let sql = "DELETE FROM usage WHERE rowid IN (SELECT rowid FROM usage WHERE started_at < \(micros) LIMIT \(limit))"
        try execute(sql)
        return Int(sqlite_nio_sqlite3_changes(connection))
    }

    // MARK: On the thread

    private func execute(_ sql: String) throws(LedgerError) {
        let status = sqlite_nio_sqlite3_exec(connection, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw failure(status, doing: sql) }
    }

    private static let insertSQL = "INSERT INTO usage (\(SQLiteStore.insertColumns)) VALUES ("
        + Array(repeating: "?", count: SQLiteStore.insertColumnCount).joined(separator: ", ") + ")"

    /// The statement in `slot`, prepared (and kept) on first use.
    private func prepared(_ slot: inout OpaquePointer?, _ sql: String) throws(LedgerError) -> OpaquePointer {
        if let slot { return slot }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status, doing: "preparing \(sql)") }
        slot = statement
        return statement
    }

    /// Binds and runs the INSERT for one record: true if inserted, false if its request id is stored.
    private func insert(_ record: UsageRecord, _ settlement: Settlement?, with statement: OpaquePointer) throws(LedgerError) -> Bool {
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        var binder = Binder(statement: statement)
        binder.text(record.requestID)
        binder.int(StoreColumns.micros(record.startedAt))
        binder.text(record.keyID)
        binder.text(record.owner)
        binder.text(record.route)
        binder.text(record.model)
        binder.text(record.upstream)
        binder.int(Int64(record.status))
        binder.int(Int64(record.tokens.prompt))
        binder.int(Int64(record.tokens.cached))
        binder.int(Int64(record.tokens.completion))
        binder.int(Int64(record.tokens.reasoning))
        binder.int(record.cost.nanos)
        binder.text(record.cost.currency.code)
        binder.int(record.baseCost.nanos)
        binder.int(Int64(record.latencyMs))
        binder.int(record.ttftMs.map(Int64.init))
        binder.text(record.experimentArm)
        binder.int(record.cacheHit ? 1 : 0)
        binder.text(settlement?.reservation.keyID)
        binder.int(settlement?.reservation.periodStart)
        binder.int(settlement?.charge.nanos)
        binder.text(settlement?.charge.currency.code)
        if let status = binder.failure { throw failure(status, doing: "binding a usage row") }
        switch sqlite_nio_sqlite3_step(statement) {
        case SQLITE_DONE:
            return true
        case Self.uniqueViolation, Self.primaryKeyViolation:
            // Only `request_id` is unique: this request's row is already stored.
            return false
        case let status:
            throw failure(status, doing: "inserting a usage row")
        }
    }

    /// The extended result codes (macros SQLite's header builds from `SQLITE_CONSTRAINT`).
    private static let uniqueViolation = SQLITE_CONSTRAINT | (8 << 8)
    private static let primaryKeyViolation = SQLITE_CONSTRAINT | (6 << 8)

    private func failure(_ status: Int32, doing what: String) -> LedgerError {
        let message = String(cString: sqlite_nio_sqlite3_errmsg(connection))
        return .storeFailure("sqlite: \(what) failed (code \(status)): \(message)")
    }

    /// Binds one row's parameters in order, remembering the first failure.
    private struct Binder {
        let statement: OpaquePointer
        var index: Int32 = 1
        var failure: Int32?

        /// SQLite copies the text before the call returns (`SQLITE_TRANSIENT`).
        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

        mutating func text(_ value: String?) {
            guard var value else { return advance(sqlite_nio_sqlite3_bind_null(statement, index)) }
            let status = value.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars -> Int32 in
                    guard let base = chars.baseAddress else {
                        return sqlite_nio_sqlite3_bind_text64(statement, index, "", 0, Self.transient, UInt8(SQLITE_UTF8))
                    }
                    return sqlite_nio_sqlite3_bind_text64(
                        statement, index, base, UInt64(chars.count), Self.transient, UInt8(SQLITE_UTF8))
                }
            }
            advance(status)
        }

        mutating func int(_ value: Int64?) {
            advance(value.map { sqlite_nio_sqlite3_bind_int64(statement, index, $0) } ?? sqlite_nio_sqlite3_bind_null(statement, index))
        }

        private mutating func advance(_ status: Int32) {
            if status != SQLITE_OK, failure == nil { failure = status }
            index += 1
        }
    }
}
