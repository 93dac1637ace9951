import ArgumentParser
import Foundation
import Logging
import SluiceGateway
import SluiceLedger

/// `--config`, shared by the commands that work on the ledger's store directly (they need no running
/// gateway: SQLite and PostgreSQL both take a second client).
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "Path to sluice.yaml (default: $SLUICE_CONFIG; without one, the SQLite ledger in $SLUICE_HOME).")
    var config: String?

    /// The ledger configuration and the store it names, open and migrated.
    func openStore() async throws -> (LedgerConfig, any Store) {
        let environment = ProcessInfo.processInfo.environment
        var ledgerConfig = LedgerConfig.embedded
        if let path = config ?? environment["SLUICE_CONFIG"] {
            do {
                ledgerConfig = try GatewayConfig.loadLedger(path: path, environment: environment)
            } catch {
                throw CLIError("configuration error: \(error)")
            }
        }
        var logger = Logger(label: "sluice")
        logger.logLevel = .warning
        guard let store = try await LedgerFactory.openStore(ledgerConfig, logger: logger, environment: environment) else {
            throw CLIError("the ledger is off in this configuration (ledger.store: off)")
        }
        return (ledgerConfig, store)
    }
}
