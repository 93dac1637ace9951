import Foundation

/// How a ``CircuitBreaker`` judges an upstream and how long it keeps it out of service.
///
/// The breaker counts outcomes over a sliding window cut into buckets. It opens when, within the
/// window, at least ``minimumRequests`` outcomes were recorded and the share of failures reaches
/// ``failureRateToOpen``. After ``openDuration`` it lets ``halfOpenProbes`` requests through at a time;
/// ``successesToClose`` successful probes close it, and one failed probe opens it again for longer
/// (``openDuration`` × ``openDurationGrowth``ⁿ after n failed probes in a row, at most
/// ``maxOpenDuration``).
///
/// Values out of range are clamped by the initialiser: counts to at least 1, the failure rate to
/// `0...1` (NaN becomes the default), durations to at least 1 ms, the growth factor to at least 1, and
/// ``maxOpenDuration`` to at least ``openDuration``.
public struct BreakerSettings: Sendable, Hashable {
    /// How far back outcomes count. Default 30 s.
    public var window: Duration
    /// How many buckets the window is cut into; outcomes leave the window one bucket at a time.
    /// Default 10 (3 s each with the default window).
    public var buckets: Int
    /// Fewer outcomes than this in the window never open the breaker. Default 5.
    public var minimumRequests: Int
    /// The failure share (`0...1`) at or above which the breaker opens. Default 0.5.
    public var failureRateToOpen: Double
    /// How long the breaker stays open the first time. Default 10 s.
    public var openDuration: Duration
    /// The factor the open duration grows by after each failed probe in a row. Default 2; 1 keeps it fixed.
    public var openDurationGrowth: Double
    /// The longest the breaker stays open, however many probes failed. Default 60 s.
    public var maxOpenDuration: Duration
    /// How many probes may be in flight at once while half-open. Default 1.
    public var halfOpenProbes: Int
    /// How many successful probes close the breaker. Default 1.
    public var successesToClose: Int

    public init(
        window: Duration = .seconds(30),
        buckets: Int = 10,
        minimumRequests: Int = 5,
        failureRateToOpen: Double = 0.5,
        openDuration: Duration = .seconds(10),
        openDurationGrowth: Double = 2,
        maxOpenDuration: Duration = .seconds(60),
        halfOpenProbes: Int = 1,
        successesToClose: Int = 1
    ) {
        let floor: Duration = .milliseconds(1)
        self.window = max(window, floor)
        self.buckets = max(buckets, 1)
        self.minimumRequests = max(minimumRequests, 1)
        self.failureRateToOpen = failureRateToOpen.isNaN ? 0.5 : min(max(failureRateToOpen, 0), 1)
        self.openDuration = max(openDuration, floor)
        self.openDurationGrowth = openDurationGrowth.isFinite ? max(openDurationGrowth, 1) : 1
        self.maxOpenDuration = max(maxOpenDuration, self.openDuration)
        self.halfOpenProbes = max(halfOpenProbes, 1)
        self.successesToClose = max(successesToClose, 1)
    }

    /// How long the breaker stays open after `failedProbes` failed probes in a row (0 when it has just
    /// tripped from closed).
    public func openDuration(afterFailedProbes failedProbes: Int) -> Duration {
        let base = ResilienceTime.nanoseconds(openDuration)
        let cap = ResilienceTime.nanoseconds(maxOpenDuration)
        guard failedProbes > 0, openDurationGrowth > 1 else { return openDuration }
        let grown = Double(base) * Foundation.pow(openDurationGrowth, Double(failedProbes))
        guard grown < Double(cap) else { return maxOpenDuration }
        return ResilienceTime.duration(nanoseconds: grown)
    }
}
