import ServiceLifecycle
import SluiceLedger

/// Runs the ledger's writer and housekeeping for the life of the service group. On graceful shutdown
/// (after the HTTP server has let in-flight requests finish) it commits what is queued and closes the store.
struct LedgerService: Service {
    let ledger: Ledger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await ledger.run()
        }
        try await ledger.store.close()
    }
}
