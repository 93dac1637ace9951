import Logging

/// Per-request facts a provider needs besides the request itself.
public struct RequestContext: Sendable {
    /// The `x-sluice-request-id` of this request.
    public var requestID: String
    /// A logger carrying the request id in its metadata.
    public var logger: Logger

    public init(requestID: String, logger: Logger) {
        self.requestID = requestID
        self.logger = logger
    }
}
