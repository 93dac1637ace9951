import Synchronization
import SQLiteNIO
import VaporCSQLite

/// Copies the WAL back into the database file on a connection and thread of its own, so that the
/// checkpoint's `fsync`s (about 10 ms each on a virtual disk) never hold up a commit.
///
/// ``SQLiteUsageWriter`` turns SQLite's automatic checkpoint off on its connection and calls
/// ``request()`` when its WAL has grown past ``SQLiteCheckpointer/threshold`` pages. A checkpoint here
/// is `PASSIVE`: it copies what no reader still needs and never blocks the writer, which restarts the
/// WAL from its beginning at its next transaction once a checkpoint has copied everything.
final class SQLiteCheckpointer: @unchecked Sendable {
    // `@unchecked`: `connection` is touched only on `thread`.
    /// WAL pages after which a checkpoint is requested (SQLite's own automatic threshold).
    static let threshold: Int32 = 1_000

    private let path: String
    private let thread: NIOThreadPool
    private var connection: OpaquePointer?
    private let pending = Atomic<Bool>(false)
    /// Checkpoints run so far, for tests and diagnostics.
    let completed = Atomic<Int>(0)

    init(path: String) {
        self.path = path
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    /// Starts a checkpoint unless one is already waiting or running. Cheap; call from any thread.
    func request() {
        guard !pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        thread.submit { state in
            defer { self.pending.store(false, ordering: .releasing) }
            guard case .active = state else { return }
            if self.connection == nil {
                self.connection = try? SQLiteUsageWriter.openConnection(path: self.path)
            }
            guard let connection = self.connection else { return }
            // Failure (the file busy in another process's exclusive lock, say) only leaves the WAL
            // longer until the next request.
            if sqlite_nio_sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK {
                self.completed.add(1, ordering: .relaxed)
            }
        }
    }

    /// Waits for a running checkpoint, closes the connection, and stops the thread.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            thread.submit { _ in
                if let connection = self.connection { sqlite_nio_sqlite3_close_v2(connection) }
                self.connection = nil
                continuation.resume()
            }
        }
        try? await thread.shutdownGracefully()
    }
}
