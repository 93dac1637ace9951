/// Conversions between `Duration` and plain numbers for the resilience state machines.
///
/// A namespace rather than an extension on `Duration`, so that other parts of the module can add
/// their own helpers without clashing.
enum ResilienceTime {
    /// The duration in nanoseconds, saturating at the ends of `Int64`.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }

    /// The duration in seconds, as a floating-point number.
    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// A duration of `nanoseconds`, rounded to the nearest nanosecond; negative and non-finite values
    /// become zero, and values past `Int64` saturate.
    static func duration(nanoseconds: Double) -> Duration {
        guard nanoseconds.isFinite, nanoseconds > 0 else { return .zero }
        guard nanoseconds < 9.2e18 else { return .nanoseconds(Int64.max) }
        return .nanoseconds(Int64(nanoseconds.rounded()))
    }
}
