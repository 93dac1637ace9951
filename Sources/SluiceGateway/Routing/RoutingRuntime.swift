import Foundation
import Logging
import SluiceProviders
import SluiceRouting

/// Everything routing needs at run time, built once from the config: the route table, the backends
/// (replicas, balancers, admission gates), breakers and retries, and the discriminators to reload.
struct RoutingRuntime: Sendable {
    let table: RouteTable
    let dispatcher: Dispatcher
    /// Discriminator files by path, reloaded when they change.
    let discriminators: [String: ReloadingDiscriminator]
    let tiers: [String: TierConfig]
    let trustTierHeader: Bool

    /// - Parameter providers: one provider per replica of each model, the model's own address first.
    init(config: GatewayConfig, providers: [String: [any ChatProvider]], logger: Logger) throws(ConfigError) {
        let routing = config.routing
        let tierTable = Self.tierTable(routing.tiers)
        var backends: [String: Backend] = [:]
        for model in config.models {
            backends[model.name] = Backend(config: model, replicas: providers[model.name] ?? [], tiers: tierTable)
        }
        var discriminators: [String: ReloadingDiscriminator] = [:]
        var routes: [RouteSpec] = []
        for route in routing.routes {
            var step: DiscriminatorStep?
            if let spec = route.discriminator {
                let holder: ReloadingDiscriminator
                if let loaded = discriminators[spec.path] {
                    holder = loaded
                } else {
                    holder = try Self.discriminator(spec, route: route, logger: logger)
                    discriminators[spec.path] = holder
                }
                step = DiscriminatorStep(predictor: holder, strong: spec.strong, weak: spec.weak)
            }
            routes.append(
                RouteSpec(
                    name: route.name, rules: route.rules, discriminator: step, defaultModel: route.defaultModel,
                    fallbacks: route.fallbacks))
        }
        do {
            table = try RouteTable(
                routes: routes, models: Set(config.models.map(\.name)),
                modelFallbacks: Dictionary(uniqueKeysWithValues: config.models.map { ($0.name, $0.fallbacks) }))
        } catch {
            throw ConfigError(source: "config", line: nil, message: error.description)
        }
        let breaker = routing.breaker
        dispatcher = Dispatcher(
            backends: backends,
            retry: RetryPolicy(
                attemptsPerUpstream: routing.retry.attempts, baseDelay: .seconds(routing.retry.baseDelay),
                maxDelay: .seconds(routing.retry.maxDelay), maxRetryAfter: .seconds(routing.retry.maxRetryAfter)),
            health: UpstreamHealth(
                settings: BreakerSettings(
                    window: .seconds(breaker.window), minimumRequests: breaker.minimumRequests,
                    failureRateToOpen: breaker.failureRate, openDuration: .seconds(breaker.openSeconds))))
        self.discriminators = discriminators
        self.tiers = routing.tiers
        self.trustTierHeader = routing.trustTierHeader
    }

    static func tierTable(_ tiers: [String: TierConfig]) -> TierTable {
        let policies = tiers.map { name, tier in
            TierPolicy(
                name: name, priority: tier.priority, queueTimeout: .seconds(tier.queueTimeout), maxShare: tier.maxShare,
                overload: tier.downgradeRoute.map { .downgrade(route: $0) } ?? .shed)
        }
        // Callers of a tier the config does not name get the `default` tier's policy, if there is one.
        return TierTable(policies, unknown: policies.first { $0.name == "default" } ?? TierPolicy(name: "default"))
    }

    /// Loads a route's classifier. A missing file is allowed (the route uses its default until the file
    /// appears); a file that is there but cannot be read stops start-up.
    static func discriminator(_ spec: DiscriminatorConfig, route: RouteConfig, logger: Logger) throws(ConfigError) -> ReloadingDiscriminator {
        let holder = ReloadingDiscriminator(path: spec.path)
        do {
            if try holder.reloadIfChanged() {
                logger.info("discriminator loaded", metadata: ["route": "\(route.name)", "path": "\(spec.path)"])
            }
        } catch {
            guard FileManager.default.fileExists(atPath: spec.path) else {
                logger.warning(
                    "discriminator file not found; the route uses its default model until it appears",
                    metadata: ["route": "\(route.name)", "path": "\(spec.path)"])
                return holder
            }
            throw ConfigError(source: "config", line: route.line, message: "route '\(route.name)' discriminator \(spec.path): \(error)")
        }
        return holder
    }
}
