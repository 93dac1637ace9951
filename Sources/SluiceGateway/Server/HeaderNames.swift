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
