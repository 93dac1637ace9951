/// The answer of ``RateLimiter/admit(keyID:rpm:tpm:estimatedTokens:now:)``.
public enum RateDecision: Sendable, Hashable {
    /// The request is counted; settle or cancel the ticket when it ends.
    case allowed(RateTicket)
    /// The request would exceed a limit and was not counted.
    case limited(RateLimitExceeded)

    /// The ticket, if the request was allowed.
    public var ticket: RateTicket? {
        if case .allowed(let ticket) = self { ticket } else { nil }
    }

    /// The refusal, if the request was limited.
    public var exceeded: RateLimitExceeded? {
        if case .limited(let exceeded) = self { exceeded } else { nil }
    }
}
