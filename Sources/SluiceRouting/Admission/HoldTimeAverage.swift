/// An exponentially weighted moving average of how long admitted requests hold their slot.
struct HoldTimeAverage: Sendable {
    /// The weight of each new sample.
    static let weight = 0.2
    /// The estimate before any request has left.
    static let initial: Duration = .seconds(1)

    private(set) var seconds: Double?

    mutating func record(_ hold: Duration) {
        let sample = Swift.max(0, Self.seconds(hold))
        seconds = seconds.map { $0 + Self.weight * (sample - $0) } ?? sample
    }

    var estimate: Duration { seconds.map { Duration.seconds($0) } ?? Self.initial }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
