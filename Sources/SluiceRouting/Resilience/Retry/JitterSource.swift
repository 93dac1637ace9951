import Synchronization

/// Where ``RetryPolicy`` draws its jitter from: uniform numbers in `0..<1`.
///
/// The system generator by default; tests inject ``fixed(_:)`` or ``seeded(_:)`` for repeatable delays.
public struct JitterSource: Sendable {
    private let draw: @Sendable () -> Double

    /// A source that calls `draw` for each number; results are clamped to `0...1`.
    public init(_ draw: @escaping @Sendable () -> Double) {
        self.draw = draw
    }

    /// The next number in `0...1`.
    public func next() -> Double {
        let value = draw()
        return value.isNaN ? 0 : min(max(value, 0), 1)
    }

    /// Uniform numbers from the system's random generator.
    public static let system = JitterSource { Double.random(in: 0..<1) }

    /// Always `value` (clamped to `0...1`): 0 gives no delay, 1 the full backoff ceiling.
    public static func fixed(_ value: Double) -> JitterSource {
        JitterSource { value }
    }

    /// A repeatable sequence from a ``SplitMix64`` generator seeded with `seed`.
    public static func seeded(_ seed: UInt64) -> JitterSource {
        let generator = LockedGenerator(SplitMix64(seed: seed))
        return JitterSource { generator.nextUnit() }
    }
}

/// A ``SplitMix64`` behind a mutex, so a `@Sendable` closure can draw from it.
private final class LockedGenerator: Sendable {
    private let generator: Mutex<SplitMix64>

    init(_ generator: SplitMix64) {
        self.generator = Mutex(generator)
    }

    func nextUnit() -> Double {
        generator.withLock { Double.random(in: 0..<1, using: &$0) }
    }
}
