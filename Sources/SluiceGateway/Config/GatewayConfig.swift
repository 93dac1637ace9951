import SluiceAPI
import SluiceProviders

/// Everything `sluice.yaml` says, after validation.
public struct GatewayConfig: Sendable {
    public var server: ServerConfig
    public var models: [ModelConfig]

    public init(server: ServerConfig = ServerConfig(), models: [ModelConfig] = []) {
        self.server = server
        self.models = models
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
    /// Prices per 1M tokens, when configured.
    public var price: Price?
    /// Concurrent requests the backend takes (used by admission control).
    public var capacity: Int?
    /// Free-form labels for routing rules.
    public var tags: [String]
    /// The config file line the entry starts on (for messages), or nil when it came from the command line.
    public var line: Int?

    public init(endpoint: ModelEndpoint, price: Price? = nil, capacity: Int? = nil, tags: [String] = [], line: Int? = nil) {
        self.endpoint = endpoint
        self.price = price
        self.capacity = capacity
        self.tags = tags
        self.line = line
    }

    public var name: String { endpoint.name }
}

/// A model's prices per 1M tokens.
public struct Price: Sendable, Hashable {
    public var input: Double
    public var cachedInput: Double?
    public var output: Double
    public var currency: String

    public init(input: Double, cachedInput: Double? = nil, output: Double, currency: String = "USD") {
        self.input = input
        self.cachedInput = cachedInput
        self.output = output
        self.currency = currency
    }
}
