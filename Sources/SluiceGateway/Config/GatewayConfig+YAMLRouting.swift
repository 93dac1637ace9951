import SluiceRouting
import Yams

extension YAMLReader {
    static let routeKeys: Set<String> = ["name", "rules", "discriminator", "default", "fallbacks"]
    static let ruleKeys: Set<String> = ["name", "when", "use"]
    static let discriminatorKeys: Set<String> = ["model", "strong", "weak"]
    static let tierKeys: Set<String> = ["priority", "queue_timeout", "max_share", "on_overload"]
    static let routingKeys: Set<String> = ["retries", "breaker", "trust_tier_header"]
    static let retryKeys: Set<String> = ["attempts", "base_delay", "max_delay", "max_retry_after"]
    static let breakerKeys: Set<String> = ["window", "min_requests", "failure_rate", "open_seconds"]
    static let replicaKeys: Set<String> = ["base_url", "api_key", "weight", "capacity"]
    static let rangeKeys: Set<String> = ["min", "max"]
    static let conditionKeys: Set<String> =
        Set(["tier", "key", "owner", "tags"])
        .union(NumericFeature.allCases.map(\.rawValue)).union(FlagFeature.allCases.map(\.rawValue))

    /// The `routes`, `tiers` and `routing` sections (each optional).
    func routingConfig(routes: Node?, tiers: Node?, routing: Node?) throws(ConfigError) -> RoutingConfig {
        var config = RoutingConfig()
        if let routing {
            let map = try mapping(routing, "'routing'")
            try checkKeys(map, allowed: Self.routingKeys, in: "'routing'")
            if let retries = map["retries"] { config.retry = try retryConfig(retries) }
            if let breaker = map["breaker"] { config.breaker = try breakerConfig(breaker) }
            if let trust = map["trust_tier_header"] { config.trustTierHeader = try bool(trust, "routing.trust_tier_header") }
        }
        if let tiers {
            for (key, value) in try mapping(tiers, "'tiers'") {
                let name = try string(key, "a tier name")
                config.tiers[name] = try tierConfig(value, name)
            }
        }
        if let routes {
            guard case .sequence(let list) = routes else { throw fail(routes, "'routes' must be a list of routes") }
            config.routes = try list.map { (node: Node) throws(ConfigError) -> RouteConfig in try routeConfig(node) }
        }
        return config
    }

    func routeConfig(_ node: Node) throws(ConfigError) -> RouteConfig {
        let map = try mapping(node, "a route entry")
        guard let nameNode = map["name"] else { throw fail(node, "a route entry needs a 'name'") }
        let name = try string(nameNode, "route name")
        let what = "route '\(name)'"
        try checkKeys(map, allowed: Self.routeKeys, in: what)
        guard let defaultNode = map["default"] else { throw fail(node, "\(what) needs a 'default' model") }
        var route = RouteConfig(name: name, defaultModel: try string(defaultNode, "\(what) default"), line: line(node))
        if let fallbacks = map["fallbacks"] { route.fallbacks = try stringList(fallbacks, "\(what) fallbacks") }
        if let rules = map["rules"] {
            guard case .sequence(let list) = rules else { throw fail(rules, "\(what) rules must be a list") }
            route.rules = try list.map { (rule: Node) throws(ConfigError) -> RouteRule in try routeRule(rule, what) }
        }
        if let discriminator = map["discriminator"] {
            let step = try mapping(discriminator, "\(what) discriminator")
            try checkKeys(step, allowed: Self.discriminatorKeys, in: "\(what) discriminator")
            guard let path = step["model"], let strong = step["strong"], let weak = step["weak"] else {
                throw fail(discriminator, "\(what) discriminator needs 'model' (the file from `sluice router train`), 'strong' and 'weak'")
            }
            route.discriminator = DiscriminatorConfig(
                path: try string(path, "\(what) discriminator.model"), strong: try string(strong, "\(what) discriminator.strong"),
                weak: try string(weak, "\(what) discriminator.weak"))
        }
        return route
    }

    func routeRule(_ node: Node, _ route: String) throws(ConfigError) -> RouteRule {
        let map = try mapping(node, "a rule of \(route)")
        try checkKeys(map, allowed: Self.ruleKeys, in: "a rule of \(route)")
        guard let nameNode = map["name"], let use = map["use"] else {
            throw fail(node, "a rule of \(route) needs a 'name' and a 'use' (the model to use)")
        }
        let name = try string(nameNode, "rule name")
        let what = "rule '\(name)' of \(route)"
        var conditions: [RuleCondition] = []
        if let when = map["when"] {
            let tests = try mapping(when, "\(what) when")
            try checkKeys(tests, allowed: Self.conditionKeys, in: "\(what) when")
            for (key, value) in tests {
                conditions.append(try condition(key.string ?? "", value, what))
            }
        }
        return RouteRule(name: name, conditions: conditions, target: try string(use, "\(what) use"))
    }

    func condition(_ name: String, _ value: Node, _ what: String) throws(ConfigError) -> RuleCondition {
        switch name {
        case "tier": return .tier(Set(try stringOrList(value, "\(what) tier")))
        case "key": return .key(Set(try stringOrList(value, "\(what) key")))
        case "owner": return .owner(Set(try stringOrList(value, "\(what) owner")))
        case "tags": return .tags(Set(try stringOrList(value, "\(what) tags")))
        default:
            if let flag = FlagFeature(rawValue: name) { return .flag(flag, try bool(value, "\(what) \(name)")) }
            let feature = NumericFeature(rawValue: name)!
            return .number(feature, try range(value, "\(what) \(name)"))
        }
    }

    /// `{min: 8000}`, `{min: 1, max: 3}`, or the shorthand strings `">8000"`, `">=8000"`, `"<100"`, `"<=100"`.
    func range(_ node: Node, _ what: String) throws(ConfigError) -> ClosedRange<Double> {
        let usage = "\(what) must be {min: N, max: N} or a comparison such as \">8000\" or \"<=3\""
        if case .scalar(let scalar) = node {
            let text = scalar.string.replacingOccurrences(of: " ", with: "")
            for (op, length) in [(">=", 2), ("<=", 2), (">", 1), ("<", 1)] where text.hasPrefix(op) {
                guard let bound = Double(text.dropFirst(length)) else { throw fail(node, usage) }
                switch op {
                case ">=": return bound...Double.infinity
                case ">": return bound.nextUp...Double.infinity
                case "<=": return -Double.infinity...bound
                default: return -Double.infinity...bound.nextDown
                }
            }
            throw fail(node, usage)
        }
        guard case .mapping(let map) = node else { throw fail(node, usage) }
        try checkKeys(map, allowed: Self.rangeKeys, in: what)
        let low = try map["min"].map { (n: Node) throws(ConfigError) -> Double in try number(n, "\(what).min") } ?? -Double.infinity
        let high = try map["max"].map { (n: Node) throws(ConfigError) -> Double in try number(n, "\(what).max") } ?? Double.infinity
        guard low <= high else { throw fail(node, "\(what) has min above max") }
        return low...high
    }

    func tierConfig(_ node: Node, _ name: String) throws(ConfigError) -> TierConfig {
        let what = "tier '\(name)'"
        let map = try mapping(node, what)
        try checkKeys(map, allowed: Self.tierKeys, in: what)
        var tier = TierConfig()
        if let priority = map["priority"] { tier.priority = try int(priority, "\(what) priority") }
        if let timeout = map["queue_timeout"] {
            tier.queueTimeout = try number(timeout, "\(what) queue_timeout")
            if tier.queueTimeout < 0 { throw fail(timeout, "\(what) queue_timeout must not be negative") }
        }
        if let share = map["max_share"] {
            tier.maxShare = try number(share, "\(what) max_share")
            if !(tier.maxShare > 0 && tier.maxShare <= 1) { throw fail(share, "\(what) max_share must be above 0 and at most 1") }
        }
        if let overload = map["on_overload"] {
            if case .scalar(let scalar) = overload, scalar.string == "shed" {
                tier.downgradeRoute = nil
            } else if case .mapping(let action) = overload, action.count == 1, let route = action["downgrade"] {
                tier.downgradeRoute = try string(route, "\(what) on_overload.downgrade")
            } else {
                throw fail(overload, "\(what) on_overload must be 'shed' or {downgrade: ROUTE_OR_MODEL}")
            }
        }
        return tier
    }

    func retryConfig(_ node: Node) throws(ConfigError) -> RetryConfig {
        let map = try mapping(node, "routing.retries")
        try checkKeys(map, allowed: Self.retryKeys, in: "routing.retries")
        var retry = RetryConfig()
        if let attempts = map["attempts"] {
            retry.attempts = try int(attempts, "routing.retries.attempts")
            if retry.attempts < 1 { throw fail(attempts, "routing.retries.attempts must be at least 1") }
        }
        if let base = map["base_delay"] { retry.baseDelay = try positive(base, "routing.retries.base_delay") }
        if let cap = map["max_delay"] { retry.maxDelay = try positive(cap, "routing.retries.max_delay") }
        if let wait = map["max_retry_after"] { retry.maxRetryAfter = try positive(wait, "routing.retries.max_retry_after") }
        return retry
    }

    func breakerConfig(_ node: Node) throws(ConfigError) -> BreakerConfig {
        let map = try mapping(node, "routing.breaker")
        try checkKeys(map, allowed: Self.breakerKeys, in: "routing.breaker")
        var breaker = BreakerConfig()
        if let window = map["window"] { breaker.window = try positive(window, "routing.breaker.window") }
        if let minimum = map["min_requests"] {
            breaker.minimumRequests = try int(minimum, "routing.breaker.min_requests")
            if breaker.minimumRequests < 1 { throw fail(minimum, "routing.breaker.min_requests must be at least 1") }
        }
        if let rate = map["failure_rate"] {
            breaker.failureRate = try number(rate, "routing.breaker.failure_rate")
            if !(breaker.failureRate > 0 && breaker.failureRate <= 1) {
                throw fail(rate, "routing.breaker.failure_rate must be above 0 and at most 1")
            }
        }
        if let open = map["open_seconds"] { breaker.openSeconds = try positive(open, "routing.breaker.open_seconds") }
        return breaker
    }

    /// The routing members of a model entry.
    func modelRouting(_ map: Node.Mapping, into model: inout ModelConfig, _ what: String) throws(ConfigError) {
        if let limit = map["tokens_per_minute"] {
            model.tokensPerMinute = try int(limit, "\(what) tokens_per_minute")
            if model.tokensPerMinute! < 1 { throw fail(limit, "\(what) tokens_per_minute must be at least 1") }
        }
        if let queue = map["max_queue"] {
            model.maxQueue = try int(queue, "\(what) max_queue")
            if model.maxQueue! < 0 { throw fail(queue, "\(what) max_queue must not be negative") }
        }
        if let fallbacks = map["fallbacks"] { model.fallbacks = try stringList(fallbacks, "\(what) fallbacks") }
        if let weight = map["weight"] {
            model.weight = try int(weight, "\(what) weight")
            if model.weight < 1 { throw fail(weight, "\(what) weight must be at least 1") }
        }
        if let capacity = map["replica_capacity"] {
            model.replicaCapacity = try int(capacity, "\(what) replica_capacity")
            if model.replicaCapacity! < 1 { throw fail(capacity, "\(what) replica_capacity must be at least 1") }
        }
        if let balance = map["balance"] {
            let text = try string(balance, "\(what) balance")
            guard let strategy = BalanceConfig(rawValue: text) else {
                throw fail(balance, "\(what) balance must be one of \(BalanceConfig.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            model.balance = strategy
        }
        if let affinity = map["affinity"] {
            let text = try string(affinity, "\(what) affinity")
            guard text == "prefix" || text == "none" else { throw fail(affinity, "\(what) affinity must be 'prefix' or 'none'") }
            model.prefixAffinity = text == "prefix"
        }
        if let replicas = map["replicas"] {
            guard model.endpoint.kind != .local else { throw fail(replicas, "\(what) is local and cannot have replicas") }
            guard case .sequence(let list) = replicas else { throw fail(replicas, "\(what) replicas must be a list") }
            for node in list {
                let entry = try mapping(node, "a replica of \(what)")
                try checkKeys(entry, allowed: Self.replicaKeys, in: "a replica of \(what)")
                guard let base = entry["base_url"] else { throw fail(node, "a replica of \(what) needs a 'base_url'") }
                var replica = ReplicaConfig(baseURL: try string(base, "\(what) replica base_url"))
                guard replica.baseURL.hasPrefix("http://") || replica.baseURL.hasPrefix("https://") else {
                    throw fail(base, "\(what) replica base_url must start with http:// or https://")
                }
                replica.apiKey = try entry["api_key"].map { (n: Node) throws(ConfigError) -> String in try secret(n, "\(what) replica api_key") }
                    ?? model.endpoint.apiKey
                if let weight = entry["weight"] {
                    replica.weight = try int(weight, "\(what) replica weight")
                    if replica.weight < 1 { throw fail(weight, "\(what) replica weight must be at least 1") }
                }
                if let capacity = entry["capacity"] {
                    replica.capacity = try int(capacity, "\(what) replica capacity")
                    if replica.capacity! < 1 { throw fail(capacity, "\(what) replica capacity must be at least 1") }
                }
                model.replicas.append(replica)
            }
        }
    }

    // MARK: - Typed readers

    func bool(_ node: Node, _ what: String) throws(ConfigError) -> Bool {
        guard case .scalar = node, let value = node.bool else { throw fail(node, "\(what) must be true or false") }
        return value
    }

    func positive(_ node: Node, _ what: String) throws(ConfigError) -> Double {
        let value = try number(node, what)
        if value <= 0 { throw fail(node, "\(what) must be a positive number of seconds") }
        return value
    }

    func stringList(_ node: Node, _ what: String) throws(ConfigError) -> [String] {
        guard case .sequence(let list) = node else { throw fail(node, "\(what) must be a list of names") }
        return try list.map { (item: Node) throws(ConfigError) -> String in try string(item, what) }
    }

    func stringOrList(_ node: Node, _ what: String) throws(ConfigError) -> [String] {
        if case .sequence = node { return try stringList(node, what) }
        return [try string(node, what)]
    }
}

extension YAMLReader {
    /// Cross-checks names: every model a route, rule, fallback or tier names is configured, and route
    /// names differ from model names.
    func checkRouting(_ config: GatewayConfig) throws(ConfigError) {
        let models = Set(config.models.map(\.name))
        var routes: Set<String> = []
        for route in config.routing.routes {
            let what = "route '\(route.name)'"
            if models.contains(route.name) {
                throw ConfigError(source: source, line: route.line, message: "\(what) has the same name as a model")
            }
            if !routes.insert(route.name).inserted {
                throw ConfigError(source: source, line: route.line, message: "\(what) is defined twice")
            }
            var named = [route.defaultModel] + route.fallbacks + route.rules.map(\.target)
            if let step = route.discriminator { named += [step.strong, step.weak] }
            for model in named where !models.contains(model) {
                throw ConfigError(source: source, line: route.line, message: "\(what) names model '\(model)', which is not configured")
            }
        }
        for model in config.models {
            for fallback in model.fallbacks where !models.contains(fallback) {
                throw ConfigError(
                    source: source, line: model.line,
                    message: "model '\(model.name)' has fallback '\(fallback)', which is not configured")
            }
        }
        for (name, tier) in config.routing.tiers.sorted(by: { $0.key < $1.key }) {
            if let target = tier.downgradeRoute, !routes.contains(target) && !models.contains(target) {
                throw ConfigError(
                    source: source, line: nil,
                    message: "tier '\(name)' downgrades to '\(target)', which is neither a route nor a model")
            }
        }
    }
}
