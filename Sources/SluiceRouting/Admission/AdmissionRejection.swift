/// A request an ``AdmissionGate`` turned away: why, for which tier, when to try again, and what the tier's
/// policy says to do about it (shed with 429, or downgrade to a cheaper route).
public struct AdmissionRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the request was turned away. The raw values suit a response header or a metric label.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// The queue was full and held no waiter of a lower priority to displace.
        case queueFull = "queue-full"
        /// The request waited its tier's ``TierPolicy/queueTimeout`` without being admitted.
        case timedOut = "timed-out"
        /// The request was waiting in a full queue and a request of a higher priority took its place.
        case displaced
        /// The request's tokens exceed the backend's whole ``BackendCapacity/tokensPerMinute``: it can never
        /// be admitted on this backend, and retrying here will not help.
        case tooLarge = "too-large"
        /// The waiting task was cancelled. With typed throws this stands in for `CancellationError`; there
        /// is nobody left to answer, so the gateway sends nothing.
        case cancelled
    }

    public let reason: Reason
    /// The tier whose policy applied: the caller's tier, or the unknown-tier policy's name.
    public let tier: String
    /// An estimate of when a retry could be admitted, from the queue ahead and the average time requests
    /// hold their slot; at least 1 s. For ``Reason/tooLarge`` it is the whole token window.
    public let retryAfter: Duration
    /// The tier's ``TierPolicy/overload`` action.
    public let overload: OverloadAction

    public init(reason: Reason, tier: String, retryAfter: Duration, overload: OverloadAction) {
        self.reason = reason
        self.tier = tier
        self.retryAfter = retryAfter
        self.overload = overload
    }

    /// ``retryAfter`` rounded up to whole seconds, at least 1: the value for a `Retry-After` header.
    public var retryAfterSeconds: Int {
        let (seconds, attoseconds) = retryAfter.components
        return Swift.max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }

    public var description: String {
        let action = overload.downgradeRoute.map { "downgrade to \($0)" } ?? "shed"
        return "tier \(tier) not admitted (\(reason.rawValue)): \(action); retry in \(retryAfterSeconds) s"
    }
}
