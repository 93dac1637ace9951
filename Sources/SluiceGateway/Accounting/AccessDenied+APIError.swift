import SluiceAPI
import SluiceLedger

extension AccessDenied: ProviderErrorConvertible {
    /// The status and OpenAI-shaped error a refused caller gets. Messages never echo the key.
    var apiError: APIError {
        switch self {
        case .missingKey:
            return APIError(
                status: 401, message: "You didn't provide an API key. Send it as 'Authorization: Bearer sk-sluice-…'.",
                type: "invalid_request_error", code: "missing_api_key")
        case .invalidKey:
            return APIError(status: 401, message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key")
        case .revokedKey:
            return APIError(status: 401, message: "This API key has been revoked.", type: "invalid_request_error", code: "revoked_api_key")
        case .expiredKey:
            return APIError(status: 401, message: "This API key has expired.", type: "invalid_request_error", code: "expired_api_key")
        case .modelNotAllowed(let model):
            return APIError(
                status: 403, message: "This API key is not allowed to use the model '\(model)'.",
                type: "invalid_request_error", param: "model", code: "model_not_allowed")
        case .rateLimited(let exceeded):
            return APIError(
                status: 429,
                message: "Rate limit reached: \(exceeded.limit) \(exceeded.kind.rawValue) per minute for this key. Try again in \(exceeded.retryAfterSeconds) s.",
                type: exceeded.kind.rawValue, code: "rate_limit_exceeded", retryAfter: String(exceeded.retryAfterSeconds))
        case .budgetExceeded(let limit, let remaining):
            return APIError(
                status: 429,
                message: "This key's budget of \(limit) cannot cover the request (remaining \(remaining), and the request may cost up to its max_tokens).",
                type: "insufficient_quota", code: "insufficient_quota")
        }
    }
}

extension LedgerError: ProviderErrorConvertible {
    /// Store failures are the gateway's problem (503); the rest are bad input.
    var apiError: APIError {
        switch self {
        case .storeFailure:
            return .unavailable("The usage ledger is unavailable, so the request was not served. Try again shortly.", retryAfter: "1")
        case .budgetExceeded(_, let limit, let remaining):
            return AccessDenied.budgetExceeded(limit: limit, remaining: remaining).apiError
        case .keyNotFound(let id):
            return .notFound("No key with id \(id).")
        case .duplicateKey, .unknownCurrency, .invalidArgument:
            return .invalidRequest(description)
        }
    }
}
