import SluiceLedger
import Yams

/// The parts of `sluice.yaml` about money and callers: prices, the ledger, and auth.
extension YAMLReader {
    static let priceKeys: Set<String> = ["input", "cached_input", "output", "reasoning", "currency", "off_peak"]
    static let offPeakKeys: Set<String> = ["start", "end", "discount"]
    static let ledgerKeys: Set<String> = [
        "store", "path", "url", "schema", "retention_days", "currency", "exchange_rates", "response_cache", "reservation_lease_seconds",
        "commit_delay_ms",
    ]
    static let responseCacheKeys: Set<String> = ["max_bytes", "ttl_seconds"]
    static let authKeys: Set<String> = ["admin_key", "require_keys"]

    /// `price: {input: 0.27, cached_input: 0.07, output: 1.10, currency: USD, off_peak: [...]}`, read as
    /// exact decimals (never through floating point).
    func priceConfig(_ node: Node, _ what: String) throws(ConfigError) -> ModelPrice {
        let map = try mapping(node, "\(what) price")
        try checkKeys(map, allowed: Self.priceKeys, in: "\(what) price")
        guard let input = map["input"], let output = map["output"] else {
            throw fail(node, "\(what) price needs 'input' and 'output' (per 1M tokens)")
        }
        var currency = Currency.usd
        if let node = map["currency"] { currency = Currency(try string(node, "\(what) price.currency")) }
        var windows: [OffPeakWindow] = []
        if let offPeak = map["off_peak"] {
            guard case .sequence(let list) = offPeak else { throw fail(offPeak, "\(what) price.off_peak must be a list") }
            for item in list { windows.append(try offPeakWindow(item, what)) }
        }
        let inputText = try string(input, "\(what) price.input")
        let outputText = try string(output, "\(what) price.output")
        let cachedText = try map["cached_input"].map { (n: Node) throws(ConfigError) in try string(n, "\(what) price.cached_input") }
        let reasoningText = try map["reasoning"].map { (n: Node) throws(ConfigError) in try string(n, "\(what) price.reasoning") }
        do {
            return try ModelPrice(
                currency: currency, input: inputText, cachedInput: cachedText, output: outputText, reasoning: reasoningText,
                offPeak: windows)
        } catch {
            throw fail(node, "\(what) \(error)")
        }
    }

    /// `{start: "16:30", end: "00:30", discount: 50%}` (UTC).
    func offPeakWindow(_ node: Node, _ what: String) throws(ConfigError) -> OffPeakWindow {
        let map = try mapping(node, "\(what) off_peak window")
        try checkKeys(map, allowed: Self.offPeakKeys, in: "\(what) off_peak window")
        guard let start = map["start"], let end = map["end"], let discount = map["discount"] else {
            throw fail(node, "\(what) off_peak window needs 'start', 'end' (HH:MM UTC) and 'discount' (percent)")
        }
        let startText = try string(start, "off_peak.start")
        let endText = try string(end, "off_peak.end")
        let discountText = try string(discount, "off_peak.discount")
        do {
            return try OffPeakWindow(start: startText, end: endText, discountPercent: discountText)
        } catch {
            throw fail(node, "\(what) \(error)")
        }
    }

    func ledgerConfig(_ node: Node) throws(ConfigError) -> LedgerConfig {
        let map = try mapping(node, "'ledger'")
        try checkKeys(map, allowed: Self.ledgerKeys, in: "'ledger'")
        var ledger = LedgerConfig.embedded
        let kind = try map["store"].map { (n: Node) throws(ConfigError) in try string(n, "ledger.store") } ?? "sqlite"
        switch kind {
        case "sqlite":
            ledger.location = .sqlite(path: try map["path"].map { (n: Node) throws(ConfigError) in try string(n, "ledger.path") })
        case "postgres":
            guard let url = map["url"] else { throw fail(node, "ledger.store postgres needs 'url: env:NAME'") }
            ledger.location = .postgres(
                url: try secret(url, "ledger.url"),
                schema: try map["schema"].map { (n: Node) throws(ConfigError) in try string(n, "ledger.schema") })
        case "off":
            ledger.location = .off
        default:
            throw fail(map["store"]!, "ledger.store must be sqlite, postgres or off")
        }
        if let days = map["retention_days"] {
            ledger.retentionDays = try int(days, "ledger.retention_days")
            if ledger.retentionDays! < 1 { throw fail(days, "ledger.retention_days must be at least 1") }
        }
        if let base = map["currency"] {
            ledger.exchangeRates = ExchangeRates(base: Currency(try string(base, "ledger.currency")))
        }
        if let rates = map["exchange_rates"] {
            for (key, value) in try mapping(rates, "ledger.exchange_rates") {
                let currency = Currency(try string(key, "ledger.exchange_rates"))
                let rate = try string(value, "ledger.exchange_rates.\(currency)")
                do {
                    try ledger.exchangeRates.set(currency, perBase: rate)
                } catch {
                    throw fail(value, "\(error)")
                }
            }
        }
        if let cache = map["response_cache"] {
            let cacheMap = try mapping(cache, "ledger.response_cache")
            try checkKeys(cacheMap, allowed: Self.responseCacheKeys, in: "ledger.response_cache")
            if let bytes = cacheMap["max_bytes"] { ledger.responseCache.maxBytes = try int(bytes, "ledger.response_cache.max_bytes") }
            if let ttl = cacheMap["ttl_seconds"] {
                ledger.responseCache.ttlSeconds = try number(ttl, "ledger.response_cache.ttl_seconds")
                if ledger.responseCache.ttlSeconds <= 0 { throw fail(ttl, "ledger.response_cache.ttl_seconds must be positive") }
            }
        }
        if let lease = map["reservation_lease_seconds"] {
            ledger.reservationLeaseSeconds = try number(lease, "ledger.reservation_lease_seconds")
            if ledger.reservationLeaseSeconds < 1 { throw fail(lease, "ledger.reservation_lease_seconds must be at least 1") }
        }
        if let delay = map["commit_delay_ms"] {
            ledger.commitDelayMilliseconds = try number(delay, "ledger.commit_delay_ms")
            guard (0...1000).contains(ledger.commitDelayMilliseconds) else {
                throw fail(delay, "ledger.commit_delay_ms must be between 0 and 1000")
            }
        }
        return ledger
    }

    func authConfig(_ node: Node) throws(ConfigError) -> AuthConfig {
        let map = try mapping(node, "'auth'")
        try checkKeys(map, allowed: Self.authKeys, in: "'auth'")
        var auth = AuthConfig()
        if let key = map["admin_key"] {
            auth.adminKey = try secret(key, "auth.admin_key")
            if auth.adminKey!.count < 16 { throw fail(key, "auth.admin_key must be at least 16 characters") }
        }
        if let require = map["require_keys"] {
            guard case .scalar = require, let value = require.bool else { throw fail(require, "auth.require_keys must be true or false") }
            auth.requireKeys = value
        }
        return auth
    }
}
