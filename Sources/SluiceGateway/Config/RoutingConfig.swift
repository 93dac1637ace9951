import SluiceRouting

/// The `routes`, `tiers` and `routing` sections: where requests go and how they survive failures and peaks.
public struct RoutingConfig: Sendable {
    /// Routes clients can name instead of a model.
    public var routes: [RouteConfig]
    /// Tiers by name: queue priority, timeout, share of capacity, and what happens at overload.
    public var tiers: [String: TierConfig]
    /// Retries of one upstream before moving down the fallback chain.
    public var retry: RetryConfig
    /// Per-upstream circuit breakers.
    public var breaker: BreakerConfig
    /// Whether a request without a virtual key may state its tier in `x-sluice-tier` (for deployments
    /// where a trusted front end authenticates users). Off by default: a caller must not promote itself.
    public var trustTierHeader: Bool

    public init(
        routes: [RouteConfig] = [], tiers: [String: TierConfig] = [:], retry: RetryConfig = RetryConfig(),
        breaker: BreakerConfig = BreakerConfig(), trustTierHeader: Bool = false
    ) {
        self.routes = routes
        self.tiers = tiers
        self.retry = retry
        self.breaker = breaker
        self.trustTierHeader = trustTierHeader
    }
}

/// One entry of `routes`.
public struct RouteConfig: Sendable {
    public var name: String
    public var rules: [RouteRule]
    /// The trained classifier: its file and the two models it chooses between.
    public var discriminator: DiscriminatorConfig?
    public var defaultModel: String
    public var fallbacks: [String]
    public var line: Int?

    public init(
        name: String, rules: [RouteRule] = [], discriminator: DiscriminatorConfig? = nil, defaultModel: String,
        fallbacks: [String] = [], line: Int? = nil
    ) {
        self.name = name
        self.rules = rules
        self.discriminator = discriminator
        self.defaultModel = defaultModel
        self.fallbacks = fallbacks
        self.line = line
    }
}

/// A route's discriminator: `sluice router train` writes the file; it is reloaded when it changes.
public struct DiscriminatorConfig: Sendable, Hashable {
    public var path: String
    public var strong: String
    public var weak: String

    public init(path: String, strong: String, weak: String) {
        self.path = path
        self.strong = strong
        self.weak = weak
    }
}

/// One entry of `tiers`.
public struct TierConfig: Sendable, Hashable {
    /// Higher is served first when backends are full.
    public var priority: Int
    /// The longest a request of this tier waits for capacity, in seconds.
    public var queueTimeout: Double
    /// The share of a backend's concurrency this tier may hold at once (keeps headroom for higher tiers).
    public var maxShare: Double
    /// A route to use instead when a backend is full, or nil to answer 429.
    public var downgradeRoute: String?

    public init(priority: Int = 0, queueTimeout: Double = 5, maxShare: Double = 1, downgradeRoute: String? = nil) {
        self.priority = priority
        self.queueTimeout = queueTimeout
        self.maxShare = maxShare
        self.downgradeRoute = downgradeRoute
    }
}

/// The `routing.retries` section.
public struct RetryConfig: Sendable, Hashable {
    /// Attempts at one upstream (1 means no retry there; fallbacks are tried either way).
    public var attempts: Int
    /// Backoff base and cap, in seconds (full jitter).
    public var baseDelay: Double
    public var maxDelay: Double
    /// The longest `Retry-After` Sluice waits out before moving to a fallback instead, in seconds.
    public var maxRetryAfter: Double

    public init(attempts: Int = 2, baseDelay: Double = 0.1, maxDelay: Double = 2, maxRetryAfter: Double = 5) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }
}

/// The `routing.breaker` section.
public struct BreakerConfig: Sendable, Hashable {
    /// The failure-rate window, in seconds.
    public var window: Double
    /// Requests in the window before the rate counts.
    public var minimumRequests: Int
    /// The failure share that opens the breaker.
    public var failureRate: Double
    /// How long an open breaker refuses before it lets a probe through, in seconds.
    public var openSeconds: Double

    public init(window: Double = 30, minimumRequests: Int = 5, failureRate: Double = 0.5, openSeconds: Double = 10) {
        self.window = window
        self.minimumRequests = minimumRequests
        self.failureRate = failureRate
        self.openSeconds = openSeconds
    }
}

/// How requests spread over a model's replicas.
public enum BalanceConfig: String, Sendable, Hashable, CaseIterable {
    case weighted
    case leastInFlight = "least_in_flight"
    case latency
}

/// One extra replica of a model: the same model served at another address.
public struct ReplicaConfig: Sendable, Hashable {
    public var baseURL: String
    public var apiKey: String?
    public var weight: Int
    /// In-flight requests before the replica counts as overloaded (for prefix affinity).
    public var capacity: Int?

    public init(baseURL: String, apiKey: String? = nil, weight: Int = 1, capacity: Int? = nil) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.weight = weight
        self.capacity = capacity
    }
}
