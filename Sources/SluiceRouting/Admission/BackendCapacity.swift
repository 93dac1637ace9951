/// What one backend (one upstream model) can take at once, as an ``AdmissionGate`` enforces it.
public struct BackendCapacity: Sendable, Hashable {
    /// The most requests in flight at once; at least 1.
    public var concurrency: Int
    /// The most tokens admitted over any sliding 60 s window, or `nil` for no such limit. A request whose
    /// own tokens exceed it can never be admitted and is rejected at once
    /// (``AdmissionRejection/Reason/tooLarge``).
    public var tokensPerMinute: Int?
    /// The most requests waiting at once, over all tiers; 0 means nothing ever waits.
    public var maxQueue: Int

    /// - Parameters:
    ///   - concurrency: raised to 1 if lower.
    ///   - maxQueue: twice `concurrency` when `nil`; raised to 0 if negative.
    public init(concurrency: Int, tokensPerMinute: Int? = nil, maxQueue: Int? = nil) {
        self.concurrency = Swift.max(1, concurrency)
        self.tokensPerMinute = tokensPerMinute
        self.maxQueue = Swift.max(0, maxQueue ?? 2 * self.concurrency)
    }
}
