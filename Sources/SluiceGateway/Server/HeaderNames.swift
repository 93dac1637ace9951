import HTTPTypes

/// The `x-sluice-*` response headers that make each decision visible to the caller.
extension HTTPField.Name {
    static let sluiceRequestID = Self("x-sluice-request-id")!
    static let sluiceModel = Self("x-sluice-model")!
    static let sluiceRouteReason = Self("x-sluice-route-reason")!
    /// What the request cost, with the currency: `0.000016 USD`.
    static let sluiceCost = Self("x-sluice-cost")!
    /// `hit` or `miss` for requests that use the response cache.
    static let sluiceCache = Self("x-sluice-cache")!
}

extension HTTPField.Name {
    /// The route the caller named, when it named one.
    static let sluiceRoute = Self("x-sluice-route")!
    /// The model a request was taken from because its backend was full and the tier downgrades.
    static let sluiceDowngraded = Self("x-sluice-downgraded")!
    /// A caller's tier, trusted only when `routing.trust_tier_header` is on and no key was sent.
    static let sluiceTier = Self("x-sluice-tier")!
}
