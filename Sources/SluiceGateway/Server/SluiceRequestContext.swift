import Hummingbird
import Logging

/// The per-request context of the gateway: Hummingbird's core storage plus the request id.
public struct SluiceRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The `x-sluice-request-id` of this request, set by ``GatewayMiddleware``.
    public var requestID: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
    }
}
