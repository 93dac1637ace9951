import SluiceAPI

/// Why a provider could not answer.
public enum ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request cannot be expressed for this backend (an unsupported parameter). Nothing was sent.
    case badRequest(APIError)
    /// The upstream answered with an error status.
    case upstream(UpstreamFailure)
    /// No answer: connection refused or reset, TLS failure, DNS failure.
    case transport(upstream: String, message: String)
    /// The upstream did not answer in time.
    case timeout(upstream: String, message: String)
    /// The upstream answered with something that does not follow its own wire format.
    case invalidResponse(upstream: String, message: String)

    /// The error as the client sees it. Statuses are kept as the upstream sent them (429 stays 429,
    /// with its Retry-After), except 401, 403 and 404, which describe Sluice's own configuration of
    /// the upstream (its key, its model id) rather than the caller's request, and become 502.
    public var apiError: APIError {
        switch self {
        case .badRequest(let error):
            return error
        case .upstream(let failure):
            let message = "Upstream '\(failure.upstream)' returned \(failure.status): \(failure.message)"
            switch failure.status {
            case 401, 403, 404:
                return APIError(status: 502, message: message, type: "upstream_error", code: "upstream_\(failure.status)")
            case 400..<600:
                return APIError(
                    status: failure.status, message: message,
                    type: failure.type ?? (failure.status == 429 ? "rate_limit_error" : failure.status >= 500 ? "upstream_error" : "invalid_request_error"),
                    param: failure.param, code: failure.code, retryAfter: failure.retryAfter)
            default:
                return APIError(status: 502, message: message, type: "upstream_error", code: "upstream_error")
            }
        case .transport(let upstream, let message):
            return APIError(
                status: 502, message: "Upstream '\(upstream)' could not be reached: \(message)", type: "upstream_error",
                code: "upstream_unreachable")
        case .timeout(let upstream, let message):
            return APIError(
                status: 504, message: "Upstream '\(upstream)' timed out: \(message)", type: "upstream_error",
                code: "upstream_timeout")
        case .invalidResponse(let upstream, let message):
            return APIError(
                status: 502, message: "Upstream '\(upstream)' sent an invalid response: \(message)",
                type: "upstream_error", code: "upstream_invalid_response")
        }
    }

    /// Whether another attempt (here or at a fallback) may succeed.
    public var isRetryable: Bool {
        switch self {
        case .badRequest: return false
        case .upstream(let failure): return failure.status == 429 || failure.status >= 500 || failure.status == 408
        case .transport, .timeout, .invalidResponse: return true
        }
    }

    public var description: String { apiError.message }
}

/// An error status from an upstream, with what its body said.
public struct UpstreamFailure: Sendable, Hashable {
    /// The configured model name of the upstream that failed.
    public var upstream: String
    public var status: Int
    public var message: String
    public var type: String?
    public var code: String?
    public var param: String?
    public var retryAfter: String?

    public init(
        upstream: String, status: Int, message: String, type: String? = nil, code: String? = nil,
        param: String? = nil, retryAfter: String? = nil
    ) {
        self.upstream = upstream
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.retryAfter = retryAfter
    }
}
