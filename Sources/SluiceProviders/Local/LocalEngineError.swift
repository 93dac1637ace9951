import SluiceAPI
import SluiceEngine

extension ProviderError {
    /// How a failure of the built-in engine reaches the client: a full queue is a 429 and a queue wait
    /// past its timeout a 503 (both with Retry-After, both retryable at a fallback); a request larger
    /// than the KV cache or the context is the caller's 400; anything else is the engine's fault (502).
    static func engine(_ error: EngineError, model: String) -> ProviderError {
        switch error {
        case .queueFull(let waiting):
            return .upstream(UpstreamFailure(
                upstream: model, status: 429,
                message: "the built-in engine is at capacity: every sequence slot is busy and \(waiting) requests are waiting",
                type: "rate_limit_error", code: "engine_queue_full", retryAfter: "1"))
        case .queueTimeout(let seconds):
            return .upstream(UpstreamFailure(
                upstream: model, status: 503,
                message: "the built-in engine had no free sequence slot within \(seconds) s", type: "upstream_error",
                code: "engine_queue_timeout", retryAfter: "1"))
        case .exceedsCache, .contextOverflow:
            return .badRequest(.invalidRequest(
                "The request does not fit model '\(model)': \(error)", param: "max_tokens", code: "context_length_exceeded"))
        default:
            return .invalidResponse(upstream: model, message: "the built-in engine failed: \(error)")
        }
    }
}
