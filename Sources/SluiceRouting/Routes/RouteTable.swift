/// The configured routes and per-model fallback chains: turns the name a client asked for into a
/// ``RouteDecision``. Deciding reads only immutable configuration and the discriminator's current
/// model, so it is safe to call from any number of requests at once.
public struct RouteTable: Sendable {
    private let routes: [String: RouteSpec]
    private let modelFallbacks: [String: [String]]
    private let models: Set<String>

    /// - Parameters:
    ///   - routes: the configured routes; a route may not share a name with a model.
    ///   - models: the configured model names.
    ///   - modelFallbacks: fallback chains of models asked for by name.
    public init(routes: [RouteSpec], models: Set<String>, modelFallbacks: [String: [String]] = [:]) throws(RoutingError) {
        var byName: [String: RouteSpec] = [:]
        for route in routes {
            if models.contains(route.name) { throw .nameClash(route.name) }
            if byName[route.name] != nil { throw .duplicateRoute(route.name) }
            for model in route.models where !models.contains(model) { throw .unknownModel(model, route: route.name) }
            byName[route.name] = route
        }
        for (model, chain) in modelFallbacks {
            for fallback in chain where !models.contains(fallback) { throw .unknownModel(fallback, route: model) }
        }
        self.routes = byName
        self.models = models
        self.modelFallbacks = modelFallbacks
    }

    /// Whether a name is a route (not a model).
    public func isRoute(_ name: String) -> Bool { routes[name] != nil }

    /// The route of a name.
    public func route(_ name: String) -> RouteSpec? { routes[name] }

    /// Route names, sorted.
    public var routeNames: [String] { routes.keys.sorted() }

    /// Decides where a request goes. `features` is only evaluated for routes (a request for a model by
    /// name goes to that model).
    ///
    /// - Returns: nil when the name is neither a route nor a model.
    public func decide(
        _ name: String, caller: Caller, features: @autoclosure () -> RequestFeatures
    ) -> RouteDecision? {
        if let route = routes[name] {
            let (model, reason) = Self.choose(route, caller: caller, features: features())
            return RouteDecision(route: name, chain: Self.chain(model, then: route.fallbacks), reason: reason)
        }
        guard models.contains(name) else { return nil }
        return RouteDecision(route: nil, chain: Self.chain(name, then: modelFallbacks[name] ?? []), reason: "requested")
    }

    static func choose(_ route: RouteSpec, caller: Caller, features: RequestFeatures) -> (String, String) {
        for rule in route.rules where rule.matches(caller, features) {
            return (rule.target, "rule:\(rule.name)")
        }
        if let step = route.discriminator, let need = step.predictor.assess(features) {
            let p = Self.format(need.probability)
            let t = Self.format(need.threshold)
            return need.needsStrong
                ? (step.strong, "discriminator:strong p=\(p)>\(t)")
                : (step.weak, "discriminator:weak p=\(p)<=\(t)")
        }
        return (route.defaultModel, "default")
    }

    /// The chosen model followed by the fallbacks, each once.
    static func chain(_ first: String, then fallbacks: [String]) -> [String] {
        var chain = [first]
        for model in fallbacks where !chain.contains(model) { chain.append(model) }
        return chain
    }

    /// A probability with three decimals, without Foundation's formatter.
    static func format(_ value: Double) -> String {
        let thousandths = Int((min(max(value, 0), 1) * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

/// A route table that cannot be built.
public enum RoutingError: Error, Sendable, Hashable, CustomStringConvertible {
    case nameClash(String)
    case duplicateRoute(String)
    case unknownModel(String, route: String)

    public var description: String {
        switch self {
        case .nameClash(let name): return "route '\(name)' has the same name as a model"
        case .duplicateRoute(let name): return "route '\(name)' is defined twice"
        case .unknownModel(let model, let route): return "'\(route)' names model '\(model)', which is not configured"
        }
    }
}
