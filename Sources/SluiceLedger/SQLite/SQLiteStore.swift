import Foundation
import Logging
import SQLiteNIO
import Synchronization

/// The embedded ledger store: one SQLite file, for a single gateway process.
///
/// The file is in WAL mode with `synchronous=NORMAL`. Usage records do not wait for a commit: ``record(_:)``
/// appends them to a ``UsageJournal`` beside the file (one checksummed `pwrite` on the caller's thread),
/// which survives the process being killed (`kill -9`) just as a WAL commit does, though not necessarily
/// a power failure of the machine in the instant after it. A connection and thread of their own
/// (``SQLiteUsageWriter``) move the journaled records into the database every 100 ms in one transaction,
/// with the spend they settle; reads of usage and spend ingest the journal first, and the next store to
/// open the file ingests whatever a killed process left in it (skipping request ids already stored). Keys
/// and migrations are written through a SQLiteNIO connection, one transaction at a time; reads use a
/// third connection, which WAL lets run beside a write.
///
/// Budgets are kept in memory, because this store is the only authority for them: settled spend per key
/// and period is read from the `budget_spend` table on first use (plus what journaled records not yet
/// ingested charge it) and then kept current, and open reservations live only in memory.
/// ``reserve(_:)`` is therefore exact under any concurrency and costs microseconds. A record's
/// settlement moves its amount from reserved to spent when the record is journaled. When the process
/// dies, its open reservations vanish with it (nothing was spent) and settled spend stays.
///
/// Several gateway replicas must share a ``PostgresStore`` instead: two processes using one SQLite file
/// would each keep their own reservations and overrun budgets. (A one-off command such as creating a
/// key may open the file while a gateway runs; the journal's lock keeps it out of the gateway's journal,
/// and it commits what it records directly.)
///
/// Call ``close()`` before releasing the store.
public final class SQLiteStore: Store {
    /// The ledger's base currency, the one `baseCost` of every record and usage totals are in.
    public let baseCurrency: Currency
    let path: String
    let logger: Logger
    /// The connection that writes keys and migrations; used only inside `gate`.
    let writer: SQLiteConnection
    /// The connection that reads.
    let reader: SQLiteConnection
    /// The connection and thread that write usage rows and settle spend, one job at a time.
    let usageWriter: SQLiteUsageWriter
    /// Where records are durable until ingested; nil when another store on this file holds it, and
    /// then records are committed to the database directly.
    let journal: UsageJournal?
    /// Background ingestions that failed in a row (for logging).
    let ingestFailures = Atomic<Int>(0)
    let gate = SerialGate()
    let budgets = Mutex(SQLiteBudgetBook())
    let reservationIDs = CountedIDs(prefix: "res_", randomHexDigits: 16)
    private let closed = Atomic<Bool>(false)

    /// Opens the database at `path`, creating the file (and its directory) if needed. Call
    /// ``migrate()`` before using a new file.
    public init(path: String, baseCurrency: Currency, logger: Logger) async throws(LedgerError) {
        self.path = path
        self.baseCurrency = baseCurrency
        self.logger = logger
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .storeFailure("cannot create the directory for the ledger at \(path): \(error.localizedDescription)")
        }
        let writer = try await Self.open(path: path, logger: logger)
        do throws(LedgerError) {
            let mode = try await writer.rows("PRAGMA journal_mode=WAL")
            guard try mode.first?.text("journal_mode").lowercased() == "wal" else {
                throw .storeFailure("sqlite: cannot switch \(path) to WAL mode")
            }
            let reader = try await Self.open(path: path, logger: logger)
            let usageWriter: SQLiteUsageWriter
            do throws(LedgerError) {
                usageWriter = try await SQLiteUsageWriter.open(path: path)
            } catch {
                try? await reader.close()
                throw error
            }
            do throws(LedgerError) {
                let opened = try UsageJournal.open(databasePath: path)
                if let discarded = opened?.discardedBytes, discarded > 0 {
                    logger.warning(
                        "cut a torn tail off the usage journal (a process died in the middle of an append)",
                        metadata: ["bytes": "\(discarded)"])
                }
                self.journal = opened?.journal
            } catch {
                try? await usageWriter.close()
                try? await reader.close()
                throw error
            }
            self.usageWriter = usageWriter
            self.reader = reader
        } catch {
            try? await writer.close()
            throw error
        }
        self.writer = writer
        logger.debug("opened the SQLite ledger", metadata: ["path": "\(path)", "journal": "\(journal != nil)"])
        // Records a previous process journaled but did not ingest: into the database soon (after
        // `migrate`, normally), or before the first read.
        if let journal { arrange(journal.arrangement()) }
    }

    private static func open(path: String, logger: Logger) async throws(LedgerError) -> SQLiteConnection {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw .sqlite(error)
        }
        do {
            // Replaces SQLiteNIO's retry-forever busy handler: wait up to 5 s for another process's write.
            try await connection.execute("PRAGMA busy_timeout = 5000")
            try await connection.execute("PRAGMA synchronous = NORMAL")
            try await connection.execute("PRAGMA foreign_keys = ON")
        } catch {
            try? await connection.close()
            throw error
        }
        return connection
    }

    /// Closes the connections once the write in progress, if any, has finished. Further calls throw.
    public func close() async throws(LedgerError) {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if let journal {
            // The last ingestion; what it cannot write stays in the journal for the next opening.
            journal.seal()
            do {
                try await usageWriter.run { _ throws(LedgerError) in try self.ingestJournal(arrangedAs: .none) }
            } catch {
                logger.error("the usage journal could not be ingested at closing; it is kept", metadata: ["error": "\(error)"])
            }
            journal.close()
        }
        try await gate.run { () async throws(LedgerError) in
            // The future-returning close runs even when the calling task is cancelled (a gateway stopped
            // by an error); both connections are closed whatever happens to the other, since SQLiteNIO
            // asserts that a connection is closed before it is released.
            var failure: (any Error)?
            for connection: SQLiteConnection in [writer, reader] {
                do {
                    try await connection.close().get()
                } catch {
                    failure = failure ?? error
                }
            }
            do throws(LedgerError) {
                try await usageWriter.close()
            } catch {
                failure = failure ?? error
            }
            if let failure { throw .sqlite(failure) }
        }
    }

    /// Throws once the store is closed.
    func checkOpen() throws(LedgerError) {
        if closed.load(ordering: .acquiring) { throw .storeFailure("the SQLite ledger at \(path) is closed") }
    }

    /// Runs `body` as one transaction on the write connection. Call only inside `gate`.
    func transaction<Result>(_ body: () async throws(LedgerError) -> Result) async throws(LedgerError) -> Result {
        try await writer.execute("BEGIN IMMEDIATE")
        do {
            let result = try await body()
            try await writer.execute("COMMIT")
            return result
        } catch {
            do {
                try await writer.execute("ROLLBACK")
            } catch let rollback {
                logger.error("SQLite rollback failed", metadata: ["error": "\(rollback)"])
            }
            throw error
        }
    }

    /// Runs `body` inside `gate` as one transaction, after checking that the store is open.
    func writeTransaction<Result>(_ body: () async throws(LedgerError) -> Result) async throws(LedgerError) -> Result {
        try checkOpen()
        return try await gate.run { () async throws(LedgerError) -> Result in
            try checkOpen()
            return try await transaction(body)
        }
    }
}
