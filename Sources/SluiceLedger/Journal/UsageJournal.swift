import Glibc
import Synchronization

/// The SQLite store's append-only log of usage records that are durable but not yet in the database.
///
/// A request's record is made durable by one `pwrite` of a checksummed frame (``JournalFrame``) into
/// the page cache, on the caller's own thread: like a commit in WAL mode with `synchronous = NORMAL`,
/// it survives the process being killed, and it costs a few microseconds instead of a commit, a thread
/// hop and a wait. The store's writer thread later moves the pending records into SQLite in one large
/// transaction (``beginIngest()`` … ``endIngest(count:)``), and then empties the file they were in.
///
/// There are two files, used in turn: ingestion switches appends to the other file before it takes the
/// pending records, so the file it empties afterwards holds only records it has committed. Opening the
/// journal reads back whatever frames a previous process left (they become pending again; the
/// database skips request ids it already has), cuts off a torn tail, and takes an exclusive `flock`, so
/// that a second store on the same database (a CLI command beside a running gateway) never reads a
/// live journal: it gets nil and writes to SQLite directly.
final class UsageJournal: Sendable {
    /// What the caller must arrange after an append or an ingestion.
    enum Flush: Equatable {
        /// Nothing: an ingestion is already due.
        case none
        /// Ingest after the usual delay.
        case later
        /// Ingest at once: the pending records have reached ``ingestBatch``.
        case now
    }

    struct State {
        var active = 0
        var lengths: [Int64] = [0, 0]
        var pending: [LedgerEntry] = []
        var closed = false
        var filesClosed = false
        var laterArmed = false
        var nowQueued = false
    }

    /// Pending records past which an ingestion starts at once instead of after the delay.
    static let ingestBatch = 4_096
    /// Pending records past which appends fail: the database has stopped taking them.
    static let maxPending = 500_000

    let paths: [String]
    private let descriptors: [Int32]
    private let state: Mutex<State>

    private init(paths: [String], descriptors: [Int32], lengths: [Int64], recovered: [LedgerEntry]) {
        self.paths = paths
        self.descriptors = descriptors
        state = Mutex(State(lengths: lengths, pending: recovered))
    }

    /// The journal files of the database at `databasePath`.
    static func paths(databasePath: String) -> [String] {
        [databasePath + "-usagelog-0", databasePath + "-usagelog-1"]
    }

    /// Opens (creating) the journal of the database at `databasePath` and reads back what it holds.
    /// Returns nil if another store holds it.
    static func open(databasePath: String) throws(LedgerError) -> (journal: UsageJournal, discardedBytes: Int)? {
        let paths = paths(databasePath: databasePath)
        var descriptors: [Int32] = []
        func fail(_ what: String) -> LedgerError {
            let reason = String(cString: strerror(errno))
            for fd in descriptors { Glibc.close(fd) }
            return .storeFailure("usage journal: \(what): \(reason)")
        }
        for path in paths {
            let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw fail("cannot open \(path)") }
            descriptors.append(fd)
        }
        guard flock(descriptors[0], LOCK_EX | LOCK_NB) == 0 else {
            if errno == EWOULDBLOCK {
                for fd in descriptors { Glibc.close(fd) }
                return nil
            }
            throw fail("cannot lock \(paths[0])")
        }
        var recovered: [LedgerEntry] = []
        var lengths: [Int64] = []
        var discarded = 0
        for (index, fd) in descriptors.enumerated() {
            guard let bytes = readAll(fd) else { throw fail("cannot read \(paths[index])") }
            let (entries, valid) = JournalFrame.decode(bytes)
            if valid < bytes.count {
                guard ftruncate(fd, off_t(valid)) == 0 else { throw fail("cannot cut the torn tail of \(paths[index])") }
                discarded += bytes.count - valid
            }
            recovered.append(contentsOf: entries)
            lengths.append(Int64(valid))
        }
        let journal = UsageJournal(paths: paths, descriptors: descriptors, lengths: lengths, recovered: recovered)
        return (journal, discarded)
    }

    /// The request ids in the intact frames of the journal of the database at `databasePath`, read
    /// without taking it (the store that holds it may be appending and ingesting meanwhile).
    static func peekRequestIDs(databasePath: String) -> [String] {
        var ids: [String] = []
        for path in paths(databasePath: databasePath) {
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { Glibc.close(fd) }
            guard let bytes = readAll(fd) else { continue }
            ids.append(contentsOf: JournalFrame.decode(bytes).entries.map(\.record.requestID))
        }
        return ids
    }

    private static func readAll(_ fd: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0 ..< count])
            offset += off_t(count)
        }
    }

    /// Writes `entries` as one frame at the end of the active file and adds them to the pending records;
    /// then, still holding the journal, runs `apply` (which must not call back into it). Returns once the
    /// frame is in the file: durable against the process dying. On failure nothing is appended.
    func append(_ entries: [LedgerEntry], whileHeld apply: () -> Void) throws(LedgerError) -> Flush {
        var frame: [UInt8] = []
        frame.reserveCapacity(64 + 320 * entries.count)
        JournalFrame.encode(entries, into: &frame)
        return try state.withLock { state throws(LedgerError) -> Flush in
            guard !state.closed else { throw .storeFailure("the usage journal is closed") }
            guard state.pending.count < Self.maxPending else {
                throw .storeFailure("the ledger has \(state.pending.count) records waiting for the database, which is not taking them")
            }
            let fd = descriptors[state.active]
            let offset = state.lengths[state.active]
            if let error = Self.write(frame, to: fd, at: offset) {
                // Cut off whatever part of the frame was written, so that the next frame follows the last whole one.
                _ = ftruncate(fd, off_t(offset))
                throw .storeFailure("usage journal: cannot write \(paths[state.active]): \(String(cString: strerror(error)))")
            }
            state.lengths[state.active] = offset + Int64(frame.count)
            state.pending.append(contentsOf: entries)
            apply()
            return Self.nextFlush(&state)
        }
    }

    /// Writes all of `bytes` at `offset`; the `errno` of a failure.
    private static func write(_ bytes: [UInt8], to fd: Int32, at offset: Int64) -> Int32? {
        bytes.withUnsafeBytes { buffer -> Int32? in
            var done = 0
            while done < buffer.count {
                let count = pwrite(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += count
            }
            return nil
        }
    }

    /// Which ingestion to arrange while records are pending, given what is already arranged.
    private static func nextFlush(_ state: inout State) -> Flush {
        if state.pending.isEmpty || state.nowQueued { return .none }
        if state.pending.count >= ingestBatch {
            state.nowQueued = true
            return .now
        }
        if state.laterArmed { return .none }
        state.laterArmed = true
        return .later
    }

    /// Runs `body` on the pending records, with appends held off.
    func withPending<Result>(_ body: ([LedgerEntry]) -> Result) -> Result {
        state.withLock { body($0.pending) }
    }

    /// Starts an ingestion arranged as `flush`: switches appends to the other file and returns every
    /// pending record. Call ``endIngest(count:)`` once they are committed. Only one ingestion may run
    /// at a time.
    func beginIngest(arrangedAs flush: Flush) -> [LedgerEntry] {
        state.withLock { state in
            switch flush {
            case .now: state.nowQueued = false
            case .later: state.laterArmed = false
            case .none: break
            }
            state.active = 1 - state.active
            return state.pending
        }
    }

    /// Drops the first `count` pending records (those ``beginIngest(arrangedAs:)`` returned, now
    /// committed) and empties the file that was active before that call: every frame in it is among
    /// them. Returns the ingestion to arrange for the records pending now.
    func endIngest(count: Int) -> Flush {
        state.withLock { state in
            state.pending.removeFirst(count)
            let done = 1 - state.active
            if ftruncate(descriptors[done], 0) == 0 { state.lengths[done] = 0 }
            return Self.nextFlush(&state)
        }
    }

    /// The ingestion to arrange for the records pending now: those read back at opening, or those a
    /// failed ingestion left pending (to retry).
    func arrangement() -> Flush {
        state.withLock { Self.nextFlush(&$0) }
    }

    /// Refuses further appends. Pending records stay for the caller's last ingestion.
    func seal() {
        state.withLock { $0.closed = true }
    }

    /// Closes the files (releasing the lock), emptying them first if nothing is pending; otherwise the
    /// next store to open the database ingests what is left.
    func close() {
        state.withLock { state in
            guard !state.filesClosed else { return }
            let empty = state.pending.isEmpty
            state.closed = true
            state.filesClosed = true
            for fd in descriptors {
                if empty { _ = ftruncate(fd, 0) }
                Glibc.close(fd)
            }
        }
    }
}
