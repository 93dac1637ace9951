/// Proof that a request was admitted: hand it back to ``RateLimiter/settle(_:actualTokens:now:)`` with
/// the real token count when the request ends, or to ``RateLimiter/cancel(_:)`` if it never ran.
/// Settle or cancel each ticket once.
public struct RateTicket: Sendable, Hashable {
    /// The key the request was counted against.
    public let keyID: String
    /// The tokens reserved against the key's TPM limit at admission.
    public let estimatedTokens: Int
    /// Requests the key may still make in the window after this one, if it has an RPM limit.
    public let remainingRequests: Int?
    /// Tokens the key may still use in the window after this reservation, if it has a TPM limit.
    public let remainingTokens: Int?

    /// Which incarnation of the key's window holds the reservation (a window dropped as idle and made
    /// again gets a new one), and the reservation's place in that window's token log; `nil` when the key
    /// had no TPM limit, so nothing was reserved.
    let epoch: UInt64
    let sequence: UInt64?

    init(
        keyID: String, estimatedTokens: Int, remainingRequests: Int?, remainingTokens: Int?, epoch: UInt64,
        sequence: UInt64?
    ) {
        self.keyID = keyID
        self.estimatedTokens = estimatedTokens
        self.remainingRequests = remainingRequests
        self.remainingTokens = remainingTokens
        self.epoch = epoch
        self.sequence = sequence
    }
}
