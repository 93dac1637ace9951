import SluiceAPI
import SluiceLedger
import SluiceProviders

/// Everything `sluice.yaml` says, after validation.
public struct GatewayConfig: Sendable {
    public var server: ServerConfig
    public var models: [ModelConfig]
    /// Where usage and budgets are kept. Off unless configured (`sluice serve` and `sluice.yaml` turn
    /// it on with SQLite in `SLUICE_HOME` by default).
    public var ledger: LedgerConfig
    /// Virtual keys and the admin key.
    public var auth: AuthConfig
    /// Routes, tiers, retries and breakers.
    public var routing: RoutingConfig

    public init(
        server: ServerConfig = ServerConfig(), models: [ModelConfig] = [], ledger: LedgerConfig = LedgerConfig(),
        auth: AuthConfig = AuthConfig(), routing: RoutingConfig = RoutingConfig()
    ) {
        self.routing = routing
        self.server = server
        self.models = models
        self.ledger = ledger
        self.auth = auth
    }
}

/// The `server` section.
public struct ServerConfig: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// The largest request body accepted, in bytes (default 10 MiB).
    public var maxBodyBytes: Int
    /// Seconds in-flight requests get to finish after a shutdown signal.
    public var shutdownGraceSeconds: Double

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 10 << 20, shutdownGraceSeconds: Double = 30) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.shutdownGraceSeconds = shutdownGraceSeconds
    }
}

/// One entry of `models`.
public struct ModelConfig: Sendable, Hashable {
    /// How the model is reached.
    public var endpoint: ModelEndpoint
    /// Prices per 1M tokens, when configured (a model without a price costs nothing).
    public var price: ModelPrice?
    /// The completion tokens a request may use when it sets no `max_tokens` (what budget reservations
    /// assume, and what is sent upstream for keys with a budget). Default 4096.
    public var maxOutputTokens: Int
    /// Concurrent requests the backend takes, over all its replicas (admission control queues the rest).
    public var capacity: Int?
    /// Tokens per minute the backend takes (admission control), estimated from prompts and output caps.
    public var tokensPerMinute: Int?
    /// Requests that may wait for capacity (default twice the capacity).
    public var maxQueue: Int?
    /// Models tried in order when this one fails and it was asked for by name.
    public var fallbacks: [String]
    /// More addresses serving the same model, balanced with the main one.
    public var replicas: [ReplicaConfig]
    /// The main address's balancing weight and in-flight capacity.
    public var weight: Int
    public var replicaCapacity: Int?
    /// How requests spread over replicas.
    public var balance: BalanceConfig
    /// Whether a conversation sticks to the replica that served its start (KV-cache reuse on self-hosted engines).
    public var prefixAffinity: Bool
    /// Free-form labels for routing rules.
    public var tags: [String]
    /// The config file line the entry starts on (for messages), or nil when it came from the command line.
    public var line: Int?

    public init(
        endpoint: ModelEndpoint, price: ModelPrice? = nil, maxOutputTokens: Int = 4096, capacity: Int? = nil,
        tags: [String] = [], line: Int? = nil
    ) {
        self.endpoint = endpoint
        self.price = price
        self.maxOutputTokens = maxOutputTokens
        self.capacity = capacity
        self.tags = tags
        self.tokensPerMinute = nil
        self.maxQueue = nil
        self.fallbacks = []
        self.replicas = []
        self.weight = 1
        self.replicaCapacity = nil
        self.balance = .leastInFlight
        self.prefixAffinity = false
        self.line = line
    }

    public var name: String { endpoint.name }
}
