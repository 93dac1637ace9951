import Synchronization

/// Makes unique ids cheaply: a prefix, random hex digits drawn once, and a counter as 16 hex digits, so
/// ids from one generator sort in the order they were made (an index on them grows at its end). Unique
/// across processes, replicas and restarts through the random part, with no system call per id.
///
/// ```swift
/// let requestIDs = CountedIDs(prefix: "req_", randomHexDigits: 8)
/// requestIDs.next()   // "req_3f2a9c1d0000000000000001"
/// ```
public final class CountedIDs: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    /// - Parameters:
    ///   - prefix: the text every id starts with, such as `req_`.
    ///   - randomHexDigits: how many random hex digits follow it (1...16).
    public init(prefix: String, randomHexDigits: Int) {
        precondition((1...16).contains(randomHexDigits), "randomHexDigits must be 1...16")
        var generator = SystemRandomNumberGenerator()
        let bits = UInt64(randomHexDigits * 4)
        let random = bits == 64 ? generator.next() as UInt64 : (generator.next() as UInt64) & ((1 << bits) - 1)
        self.prefix = prefix + Self.hex(random, digits: randomHexDigits)
    }

    /// The next id.
    public func next() -> String {
        prefix + Self.hex(counter.add(1, ordering: .relaxed).newValue, digits: 16)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
