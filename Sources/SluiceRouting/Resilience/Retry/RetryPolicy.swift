/// When to try the same upstream again, and after how long.
///
/// Backoff is exponential with full jitter: after attempt *n* the wait is drawn uniformly from
/// `0...min(maxDelay, baseDelay × 2ⁿ⁻¹)`. A `Retry-After` from the upstream is honoured by waiting at
/// least that long; one longer than ``maxRetryAfter`` means the upstream should not be retried at all,
/// and the caller moves on to its next fallback instead.
public struct RetryPolicy: Sendable {
    /// Attempts on one upstream before moving to the next fallback, counting the first. Default 2 (one
    /// retry); 1 disables retries.
    public var attemptsPerUpstream: Int
    /// The backoff ceiling after the first attempt. Default 100 ms.
    public var baseDelay: Duration
    /// The most the backoff ceiling grows to. Default 2 s.
    public var maxDelay: Duration
    /// The longest `Retry-After` worth waiting for on the same upstream. Default 5 s.
    public var maxRetryAfter: Duration
    /// Where the jitter comes from. Default ``JitterSource/system``.
    public var jitter: JitterSource

    public init(
        attemptsPerUpstream: Int = 2,
        baseDelay: Duration = .milliseconds(100),
        maxDelay: Duration = .seconds(2),
        maxRetryAfter: Duration = .seconds(5),
        jitter: JitterSource = .system
    ) {
        self.attemptsPerUpstream = max(attemptsPerUpstream, 1)
        self.baseDelay = max(baseDelay, .zero)
        self.maxDelay = max(maxDelay, .zero)
        self.maxRetryAfter = max(maxRetryAfter, .zero)
        self.jitter = jitter
    }

    /// A policy that never retries the same upstream (failures go straight to the next fallback).
    public static let noRetries = RetryPolicy(attemptsPerUpstream: 1)

    /// The upper bound of the jittered backoff after attempt `n` (1 for the first):
    /// `min(maxDelay, baseDelay × 2ⁿ⁻¹)`.
    public func backoffCeiling(afterAttempt n: Int) -> Duration {
        let base = ResilienceTime.nanoseconds(baseDelay)
        let cap = ResilienceTime.nanoseconds(maxDelay)
        let doublings = min(max(n - 1, 0), 62)
        let (grown, overflow) = base.multipliedReportingOverflow(by: Int64(1) << doublings)
        return overflow || grown >= cap ? maxDelay : .nanoseconds(grown)
    }

    /// How long to wait before trying the same upstream again after attempt `n` (1 for the first) failed,
    /// or `nil` to stop trying it and move to the next fallback.
    ///
    /// - Parameters:
    ///   - n: How many attempts this upstream has had, counting the one that just failed.
    ///   - retryAfter: The upstream's `Retry-After` (see ``RetryAfter/parse(_:now:)``), if it sent one.
    /// - Returns: `nil` when the attempts are used up or `retryAfter` is longer than ``maxRetryAfter``;
    ///   otherwise the jittered backoff, raised to `retryAfter` if that is longer.
    public func delay(afterAttempt n: Int, retryAfter: Duration?) -> Duration? {
        guard n >= 1, n < attemptsPerUpstream else { return nil }
        if let retryAfter, retryAfter > maxRetryAfter { return nil }
        let ceiling = ResilienceTime.nanoseconds(backoffCeiling(afterAttempt: n))
        let backoff = ResilienceTime.duration(nanoseconds: Double(ceiling) * jitter.next())
        guard let retryAfter else { return backoff }
        return max(backoff, max(retryAfter, .zero))
    }
}
