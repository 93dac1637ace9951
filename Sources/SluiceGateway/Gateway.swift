import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals
import SluiceAPI
import SluiceLedger
import SluiceProviders

/// The Sluice HTTP gateway: the routes, the providers behind them, and their lifecycle.
///
/// ```swift
/// let gateway = try await Gateway(config: config, logger: logger)
/// try await gateway.run()          // until SIGTERM/SIGINT; in-flight requests finish
/// ```
public struct Gateway: Sendable {
    public let config: GatewayConfig
    public let logger: Logger
    let httpClient: HTTPClient
    let registry: ModelRegistry
    /// The ledger, when one is configured (its store is open and migrated).
    public let ledger: Ledger?
    /// The exact-match response cache (in this process's memory), when the ledger is on.
    let responseCache: ResponseCache?
    /// Routes, backends with their replicas and admission gates, breakers and retries.
    let routing: RoutingRuntime

    /// Builds providers for every configured model over one pooled HTTP client, and opens the ledger's
    /// store (creating or upgrading its schema).
    public init(config: GatewayConfig, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) async throws {
        if config.auth.keysRequired && config.ledger.location == .off {
            throw ConfigError(source: "config", line: nil, message: "auth requires keys, but the ledger is off: keys live in the ledger")
        }
        self.config = config
        self.logger = logger
        let client = Self.makeHTTPClient(config: config)
        do {
            let providers = try Self.makeProviders(config: config, http: UpstreamHTTP(client: client))
            self.registry = ModelRegistry(config.models.compactMap { providers[$0.name]?.first })
            self.routing = try RoutingRuntime(config: config, providers: providers, logger: logger)
            self.ledger = try await LedgerFactory.open(config: config, logger: logger, environment: environment)
        } catch {
            // Nothing will run: the client is shut down here, as it must be before it goes away.
            try? await client.shutdown()
            throw error
        }
        self.httpClient = client
        self.responseCache = ledger == nil ? nil : ResponseCache(
            maxBytes: config.ledger.responseCache.maxBytes,
            ttl: .milliseconds(Int64(config.ledger.responseCache.ttlSeconds * 1000)))
    }

    /// One provider per replica of each model, the model's own address first.
    static func makeProviders(config: GatewayConfig, http: UpstreamHTTP) throws -> [String: [any ChatProvider]] {
        var providers: [String: [any ChatProvider]] = [:]
        for model in config.models {
            var replicas = [try ProviderFactory.make(model.endpoint, http: http)]
            for replica in model.replicas {
                var endpoint = model.endpoint
                endpoint.baseURL = replica.baseURL
                endpoint.apiKey = replica.apiKey
                replicas.append(try ProviderFactory.make(endpoint, http: http))
            }
            providers[model.name] = replicas
        }
        return providers
    }

    /// The router with every route and the middleware.
    public func buildRouter() -> Router<SluiceRequestContext> {
        let router = Router(context: SluiceRequestContext.self)
        router.add(middleware: GatewayMiddleware())
        let responder = ChatResponder(
            registry: registry, routing: routing, ledger: ledger, auth: config.auth,
            models: Dictionary(config.models.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }),
            caching: responseCache.map(ResponseCaching.init))
        let chat = ChatCompletionsRoute(responder: responder, maxBodyBytes: config.server.maxBodyBytes)
        let messages = MessagesRoute(responder: responder, maxBodyBytes: config.server.maxBodyBytes)
        let models = ModelsRoute(models: config.models, routes: routing.table.routeNames)
        let registry = self.registry
        let health = HealthRoutes(readiness: {
            registry.isEmpty ? .notReady("no model is configured") : .ready
        })
        router.post("/v1/chat/completions", use: chat.handle)
        router.post("/chat/completions", use: chat.handle)
        router.post("/v1/messages", use: messages.handle)
        router.get("/v1/models", use: models.handle)
        router.get("/models", use: models.handle)
        router.get("/healthz", use: health.health)
        router.get("/readyz", use: health.ready)
        AdminRoutes(ledger: ledger, maxBodyBytes: config.server.maxBodyBytes, routing: routing, models: registry.names,
            registry: registry)
            .register(on: router, adminKey: config.auth.adminKey)
        return router
    }

    /// The Hummingbird application, listening where the config says.
    public func buildApplication(
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(),
            configuration: .init(
                address: .hostname(config.server.host, port: config.server.port), serverName: "sluice"),
            onServerRunning: onServerRunning,
            logger: logger
        )
    }

    /// Runs until a shutdown signal (or cancellation), then lets in-flight requests finish and closes
    /// upstream connections.
    public func run(
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws {
        if registry.isEmpty {
            logger.warning("no model is configured: start with --config sluice.yaml or --model NAME=KIND:BASE_URL")
        } else {
            logger.info("serving models", metadata: ["models": "\(registry.names.joined(separator: ", "))"])
        }
        try await makeServiceGroup(gracefulShutdownSignals: gracefulShutdownSignals, onServerRunning: onServerRunning).run()
    }

    /// The services of a running gateway: the HTTP server, the ledger, then the upstream client. They
    /// shut down in reverse: the server stops taking requests and lets in-flight ones finish, then the
    /// ledger commits what is queued and closes its store, then upstream connections close.
    public func makeServiceGroup(
        gracefulShutdownSignals: [UnixSignal],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> ServiceGroup {
        let app = buildApplication(onServerRunning: onServerRunning)
        return ServiceGroup(
            configuration: .init(
                services: [.init(service: HTTPClientService(client: httpClient))]
                    + (ledger.map { [.init(service: LedgerService(ledger: $0))] } ?? [])
                    + (routing.discriminators.isEmpty
                        ? [] : [.init(service: DiscriminatorReloader(discriminators: routing.discriminators, logger: logger))])
                    + [.init(service: app)],
                gracefulShutdownSignals: gracefulShutdownSignals, cancellationSignals: [],
                logger: logger))
    }

    static func makeHTTPClient(config: GatewayConfig) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.httpVersion = .automatic
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 1024)
        // A refused connection fails its request at once: the router retries and falls back by its own
        // policy, instead of the pool retrying the connection until the request's deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        let connectTimeout = config.models.map(\.endpoint.timeouts.connect).max() ?? 10
        configuration.timeout = .init(connect: .milliseconds(Int64(connectTimeout * 1000)), read: .seconds(300))
        configuration.decompression = .enabled(limit: .ratio(50))
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }
}

/// Keeps the upstream HTTP client for the life of the service group and shuts it down last.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
