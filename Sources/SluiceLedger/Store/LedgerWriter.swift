import Foundation
import Logging
import Synchronization

/// Group commit for usage records: callers hand over an entry and wait until it is durable, while one
/// loop writes whatever has accumulated in a single transaction. Under load, one commit carries many
/// requests; alone, a request waits for one small transaction.
///
/// The loop is ``run()``'s task, woken by each entry (PostgreSQL). A store that is a
/// ``DirectRecorder`` (SQLite with its journal) needs no group commit: each entry is handed to it
/// on the caller's thread and is durable when `write` returns.
///
/// ```swift
/// let writer = LedgerWriter(store: store, logger: logger)
/// async let loop: Void = writer.run()      // until cancelled; drains what is queued
/// try await writer.write(entry)             // returns once the store has committed it
/// ```
public final class LedgerWriter: Sendable {
    struct Pending {
        var entries: [LedgerEntry] = []
        var waiters: [CheckedContinuation<Void, any Error>] = []
        var closed = false
    }

    let store: any Store
    /// The store, when it records on the caller's thread.
    let direct: (any DirectRecorder)?
    let logger: Logger
    let maxBatch: Int
    let attempts: Int
    let commitDelay: Duration
    let state = Mutex(Pending())
    let wakeups: AsyncStream<Void>
    let wake: AsyncStream<Void>.Continuation

    /// - Parameters:
    ///   - maxBatch: the most entries one transaction carries.
    ///   - attempts: how many times a failed batch is tried before its callers get the error.
    ///   - commitDelay: the least time from the start of one commit to the start of the next while
    ///     entries keep arriving, so that under load each commit carries more of them (an idle writer
    ///     commits a new entry at once). Zero commits whatever is queued as soon as the previous
    ///     commit ends.
    public init(store: any Store, logger: Logger, maxBatch: Int = 1024, attempts: Int = 3, commitDelay: Duration = .zero) {
        self.store = store
        self.direct = store.directRecorder
        self.logger = logger
        self.maxBatch = maxBatch
        self.attempts = attempts
        self.commitDelay = commitDelay
        (self.wakeups, self.wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Returns once `entry` is durable: handed to a ``DirectRecorder`` store at once, otherwise queued
    /// and committed with its batch. Throws the store's error if that failed (every attempt, for a
    /// batch), or ``LedgerError/storeFailure(_:)`` after ``run()`` has ended.
    public func write(_ entry: LedgerEntry) async throws {
        if let direct {
            guard !state.withLock({ $0.closed }) else { throw LedgerError.storeFailure("the ledger writer has stopped") }
            if try direct.recordDirectly([entry]) { return }
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let queued = state.withLock { pending -> Bool in
                guard !pending.closed else { return false }
                pending.entries.append(entry)
                pending.waiters.append(continuation)
                return true
            }
            if queued {
                wake.yield()
            } else {
                continuation.resume(throwing: LedgerError.storeFailure("the ledger writer has stopped"))
            }
        }
    }

    /// Commits batches until the task is cancelled, then commits what is queued and refuses more.
    public func run() async {
        for await _ in wakeups {
            await drain()
            if Task.isCancelled { break }
        }
        state.withLock { $0.closed = true }
        await drain()
    }

    /// Stops accepting entries and ends ``run()`` after it commits what is queued.
    public func finish() {
        wake.finish()
    }

    private func drain() async {
        var previousStart: ContinuousClock.Instant?
        while true {
            if let wait = delayBeforeNextCommit(previousStart) { try? await Task.sleep(for: wait) }
            let start = ContinuousClock.now
            let (entries, waiters) = nextBatch()
            if entries.isEmpty { return }
            let result = await commit(entries)
            previousStart = arrivedDuringCommit() ? start : nil
            Self.resume(waiters, with: result)
        }
    }

    /// Takes up to `maxBatch` queued entries.
    private func nextBatch() -> ([LedgerEntry], [CheckedContinuation<Void, any Error>]) {
        state.withLock { pending in
            let count = min(pending.entries.count, maxBatch)
            let batch = (Array(pending.entries.prefix(count)), Array(pending.waiters.prefix(count)))
            pending.entries.removeFirst(count)
            pending.waiters.removeFirst(count)
            return batch
        }
    }

    private static func resume(_ waiters: [CheckedContinuation<Void, any Error>], with result: Result<Void, any Error>) {
        for waiter in waiters {
            switch result {
            case .success: waiter.resume()
            case .failure(let error): waiter.resume(throwing: error)
            }
        }
    }

    /// Whether entries were queued while a commit ran, checked before its callers are resumed: the
    /// sign of concurrent load, under which the next commit waits for ``commitDelay``. A caller that
    /// writes again as soon as its previous write returns queues its entry only after this check, so
    /// sequential writes never wait.
    private func arrivedDuringCommit() -> Bool {
        commitDelay > .zero && state.withLock { !$0.entries.isEmpty }
    }

    /// How long to wait before the next commit of a drain whose previous commit began at `previous`
    /// (nil when no entries arrived during that commit): the rest of `commitDelay`.
    private func delayBeforeNextCommit(_ previous: ContinuousClock.Instant?) -> Duration? {
        guard let previous else { return nil }
        let wait = previous.advanced(by: commitDelay) - .now
        return wait > .zero ? wait : nil
    }

    private func logFailure(_ error: any Error, attempt: Int, records: Int) {
        logger.error(
            "ledger commit failed", metadata: ["attempt": "\(attempt)", "records": "\(records)", "error": "\(error)"])
    }

    private func commit(_ entries: [LedgerEntry]) async -> Result<Void, any Error> {
        var lastError: any Error = LedgerError.storeFailure("no attempt made")
        for attempt in 1...max(attempts, 1) {
            do {
                try await store.record(entries)
                return .success(())
            } catch {
                lastError = error
                logFailure(error, attempt: attempt, records: entries.count)
                if attempt < attempts { try? await Task.sleep(for: .milliseconds(20 * attempt)) }
            }
        }
        return .failure(lastError)
    }
}
