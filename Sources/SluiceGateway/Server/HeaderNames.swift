import HTTPTypes

/// The `x-sluice-*` response headers that make each decision visible to the caller.
extension HTTPField.Name {
    static let sluiceRequestID = Self("x-sluice-request-id")!
    static let sluiceModel = Self("x-sluice-model")!
    static let sluiceRouteReason = Self("x-sluice-route-reason")!
}
