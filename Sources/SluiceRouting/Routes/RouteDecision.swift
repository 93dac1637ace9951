/// Where a request goes: the model to try first, the fallbacks after it, and why.
public struct RouteDecision: Sendable, Hashable {
    /// The route the caller named, or nil when the caller named a model.
    public var route: String?
    /// Models in the order they are tried; never empty.
    public var chain: [String]
    /// Why the first model was chosen: `requested`, `rule:NAME`, `discriminator:strong p=0.82>0.41`,
    /// `default`; the gateway appends what happened on the way (`fallback`, `downgraded`).
    public var reason: String

    public init(route: String?, chain: [String], reason: String) {
        self.route = route
        self.chain = chain
        self.reason = reason
    }

    /// The first model.
    public var primary: String { chain[0] }
}
