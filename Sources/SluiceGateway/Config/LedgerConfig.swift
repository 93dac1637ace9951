import Foundation
import SluiceEngine
import SluiceLedger

/// The `ledger` section: where keys, budgets and usage live, and how costs are reported.
public struct LedgerConfig: Sendable, Hashable {
    /// Which store holds the ledger.
    public enum Location: Sendable, Hashable {
        /// No ledger: no keys, budgets, usage records or response cache.
        case off
        /// A SQLite file; nil means `ledger.sqlite` in `SLUICE_HOME` (default `~/.cache/sluice`).
        case sqlite(path: String?)
        /// A PostgreSQL server shared by several gateway replicas (`postgres://user:pass@host:port/db`),
        /// with the tables in `schema` (nil: the connection's default search path).
        case postgres(url: String, schema: String?)
    }

    public var location: Location
    /// Usage records older than this many days are pruned (nil keeps them forever). Default 90.
    public var retentionDays: Int?
    /// The base currency totals are reported in, and the configured rates into it.
    public var exchangeRates: ExchangeRates
    /// The exact-match response cache (used only by keys or requests that opt in).
    public var responseCache: ResponseCacheConfig
    /// How long a budget reservation counts if its gateway dies before settling it.
    public var reservationLeaseSeconds: Double
    /// The group commit's delay in milliseconds: under load, one commit of usage records starts at most
    /// this long after the previous one began, so each carries more requests. Default 2; 0 commits as
    /// soon as the previous commit ends. An idle gateway commits at once either way. PostgreSQL only:
    /// the SQLite store journals each record instead.
    public var commitDelayMilliseconds: Double

    public init(
        location: Location = .off, retentionDays: Int? = 90, exchangeRates: ExchangeRates = ExchangeRates(base: .usd),
        responseCache: ResponseCacheConfig = ResponseCacheConfig(), reservationLeaseSeconds: Double = 900,
        commitDelayMilliseconds: Double = 2
    ) {
        self.location = location
        self.retentionDays = retentionDays
        self.exchangeRates = exchangeRates
        self.responseCache = responseCache
        self.reservationLeaseSeconds = reservationLeaseSeconds
        self.commitDelayMilliseconds = commitDelayMilliseconds
    }

    /// What `sluice serve` and a config file without a `ledger` section use: SQLite in `SLUICE_HOME`.
    public static let embedded = LedgerConfig(location: .sqlite(path: nil))

    /// The SQLite path for `.sqlite(path: nil)`: `$SLUICE_HOME/ledger.sqlite`.
    public static func defaultSQLitePath(environment: [String: String]) -> String {
        SluiceHome.directory(environment: environment).appendingPathComponent("ledger.sqlite").path
    }
}

/// The `ledger.response_cache` section.
public struct ResponseCacheConfig: Sendable, Hashable {
    /// The most bytes of cached responses held in memory. Default 64 MiB.
    public var maxBytes: Int
    /// How long an entry stays valid. Default one hour.
    public var ttlSeconds: Double

    public init(maxBytes: Int = 64 << 20, ttlSeconds: Double = 3600) {
        self.maxBytes = maxBytes
        self.ttlSeconds = ttlSeconds
    }
}

/// The `auth` section.
public struct AuthConfig: Sendable, Hashable {
    /// The key for `/admin/*` (read from the environment); without it the admin API is closed.
    public var adminKey: String?
    /// Whether `/v1/*` requires a virtual key. Defaults to true when an admin key is set.
    public var requireKeys: Bool?

    public init(adminKey: String? = nil, requireKeys: Bool? = nil) {
        self.adminKey = adminKey
        self.requireKeys = requireKeys
    }

    /// Whether callers must present a virtual key.
    public var keysRequired: Bool { requireKeys ?? (adminKey != nil) }
}
