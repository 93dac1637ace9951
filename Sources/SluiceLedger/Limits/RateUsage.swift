/// What a key has used in the current sliding window, as ``RateLimiter/usage(keyID:now:)`` reports it.
public struct RateUsage: Sendable, Hashable {
    /// Requests counted in the window (only while the key has an RPM limit).
    public var requests: Int
    /// Tokens counted in the window: open reservations plus settled usage (only while the key has a TPM
    /// limit).
    public var tokens: Int

    public init(requests: Int, tokens: Int) {
        self.requests = requests
        self.tokens = tokens
    }
}
