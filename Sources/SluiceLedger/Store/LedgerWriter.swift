import Logging
import Synchronization

/// Group commit for usage records: callers hand over an entry and wait until it is durable, while one
/// loop writes whatever has accumulated in a single transaction. Under load, one commit carries many
/// requests; alone, a request waits for one small transaction.
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
    let logger: Logger
    let maxBatch: Int
    let attempts: Int
    let state = Mutex(Pending())
    let wakeups: AsyncStream<Void>
    let wake: AsyncStream<Void>.Continuation

    /// - Parameters:
    ///   - maxBatch: the most entries one transaction carries.
    ///   - attempts: how many times a failed batch is tried before its callers get the error.
    public init(store: any Store, logger: Logger, maxBatch: Int = 1024, attempts: Int = 3) {
        self.store = store
        self.logger = logger
        self.maxBatch = maxBatch
        self.attempts = attempts
        (self.wakeups, self.wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `entry` and returns once it is committed. Throws the store's error if every attempt to
    /// commit its batch failed, or ``LedgerError/storeFailure(_:)`` after ``run()`` has ended.
    public func write(_ entry: LedgerEntry) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let accepted = state.withLock { pending -> Bool in
                guard !pending.closed else { return false }
                pending.entries.append(entry)
                pending.waiters.append(continuation)
                return true
            }
            if accepted {
                wake.yield()
            } else {
                continuation.resume(throwing: LedgerError.storeFailure("the ledger writer has stopped"))
            }
        }
    }

    /// Commits batches until the task is cancelled, then commits what is still queued and refuses more.
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
        while true {
            let (entries, waiters) = state.withLock { pending in
                let count = min(pending.entries.count, maxBatch)
                let batch = (Array(pending.entries.prefix(count)), Array(pending.waiters.prefix(count)))
                pending.entries.removeFirst(count)
                pending.waiters.removeFirst(count)
                return batch
            }
            if entries.isEmpty { return }
            let result = await commit(entries)
            for waiter in waiters {
                switch result {
                case .success: waiter.resume()
                case .failure(let error): waiter.resume(throwing: error)
                }
            }
        }
    }

    private func commit(_ entries: [LedgerEntry]) async -> Result<Void, any Error> {
        var lastError: any Error = LedgerError.storeFailure("no attempt made")
        for attempt in 1...max(attempts, 1) {
            do {
                try await store.record(entries)
                return .success(())
            } catch {
                lastError = error
                logger.error(
                    "ledger commit failed",
                    metadata: ["attempt": "\(attempt)", "records": "\(entries.count)", "error": "\(error)"])
                if attempt < attempts { try? await Task.sleep(for: .milliseconds(20 * attempt)) }
            }
        }
        return .failure(lastError)
    }
}
