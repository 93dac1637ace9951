/// Which per-minute limit a request ran into.
public enum RateLimitKind: String, Sendable, Hashable, Codable {
    /// Requests per minute (RPM).
    case requests
    /// Tokens per minute (TPM).
    case tokens
}

/// A request refused by the ``RateLimiter``: which limit, its value, and when to try again. The gateway
/// answers it with HTTP 429 and a `Retry-After` header of ``retryAfterSeconds``.
public struct RateLimitExceeded: Error, Sendable, Hashable, CustomStringConvertible {
    public let keyID: String
    public let kind: RateLimitKind
    /// The limit that was reached (requests or tokens per window).
    public let limit: Int
    /// How long until enough of the key's counted usage has left the window for this request to fit;
    /// exact to the nanosecond. When both limits are reached, this is the later of the two, and ``kind``
    /// names that limit.
    public let retryAfter: Duration

    public init(keyID: String, kind: RateLimitKind, limit: Int, retryAfter: Duration) {
        self.keyID = keyID
        self.kind = kind
        self.limit = limit
        self.retryAfter = retryAfter
    }

    /// ``retryAfter`` rounded up to whole seconds, at least 1: the value for a `Retry-After` header.
    public var retryAfterSeconds: Int {
        let (seconds, attoseconds) = retryAfter.components
        let whole = Int(seconds) + (attoseconds > 0 ? 1 : 0)
        return Swift.max(1, whole)
    }

    public var description: String {
        let unit = kind == .requests ? "requests" : "tokens"
        return "key \(keyID) reached its limit of \(limit) \(unit) per minute; retry in \(retryAfterSeconds) s"
    }
}
