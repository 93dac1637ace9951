/// What became of one call to an upstream, as far as retries, fallbacks, and breakers care.
///
/// The rule: connection errors, timeouts, 429, and 5xx are failures. They count against the
/// upstream's ``CircuitBreaker`` and move the request on (a retry of the same upstream while
/// ``RetryPolicy`` allows, then the next fallback). Other statuses are the request's own fault or a
/// success: they are passed to the client as they are, and count as a success for the breaker (the
/// upstream answered).
public enum UpstreamOutcome: Sendable, Hashable {
    /// The upstream answered with this HTTP status (including 2xx).
    case status(Int)
    /// The connection failed or broke before a complete answer (refused, reset, TLS, DNS).
    case transportError
    /// One of the configured timeouts ran out.
    case timedOut(UpstreamTimeoutKind)

    /// Whether the outcome counts as a failure for the upstream's circuit breaker.
    public var isFailure: Bool {
        switch self {
        case .status(let status): status == 429 || (500...599).contains(status)
        case .transportError, .timedOut: true
        }
    }

    /// Whether the request should be tried again (on the same upstream or the next fallback) rather
    /// than answered with this outcome. The same set as ``isFailure``, plus 408 Request Timeout, which
    /// says nothing against the upstream but invites a retry.
    public var isRetryable: Bool {
        if case .status(408) = self { return true }
        return isFailure
    }
}

/// Which of the upstream call's timeouts ran out (the provider endpoint's `connect`, `first_byte`, and
/// `total`).
public enum UpstreamTimeoutKind: String, Sendable, Hashable, CaseIterable {
    /// Establishing the connection.
    case connect
    /// Waiting for the first byte of the response after sending the request.
    case firstByte = "first-byte"
    /// The whole call, from start to the last byte.
    case total
}
