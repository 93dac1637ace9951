import Foundation
import Logging
import SluiceLedger

/// Opens the configured store and builds the ledger over it.
public enum LedgerFactory {
    /// The ledger for `config`, or nil when the ledger is off. The store's schema is migrated.
    public static func open(config: GatewayConfig, logger: Logger, environment: [String: String]) async throws -> Ledger? {
        guard let store = try await openStore(config.ledger, logger: logger, environment: environment) else { return nil }
        var prices: [String: ModelPrice] = [:]
        for model in config.models {
            if let price = model.price { prices[model.name] = price }
        }
        let settings = LedgerSettings(
            prices: prices, exchangeRates: config.ledger.exchangeRates,
            reservationLease: config.ledger.reservationLeaseSeconds,
            retention: config.ledger.retentionDays.map { Double($0) * 86_400 },
            commitDelay: .microseconds(Int64((config.ledger.commitDelayMilliseconds * 1000).rounded())))
        return Ledger(store: store, settings: settings, logger: logger)
    }

    /// The store a ledger config names, open and migrated; nil when the ledger is off.
    public static func openStore(
        _ ledger: LedgerConfig, logger: Logger, environment: [String: String]
    ) async throws -> (any Store)? {
        let store: any Store
        switch ledger.location {
        case .off:
            return nil
        case .sqlite(let path):
            // The store creates the file and its directory.
            let file = path ?? LedgerConfig.defaultSQLitePath(environment: environment)
            store = try await SQLiteStore(path: file, baseCurrency: ledger.exchangeRates.base, logger: logger)
        case .postgres(let url, let schema):
            store = try await PostgresStore(url: url, schema: schema, baseCurrency: ledger.exchangeRates.base, logger: logger)
        }
        try await store.migrate()
        return store
    }
}
