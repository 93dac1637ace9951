import Synchronization

/// Makes request ids: `req_`, a random per-process prefix, and a counter, as 24 hex digits. Unique
/// across restarts and replicas (the prefix) and cheap (no system call per request).
final class RequestIDGenerator: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    init() {
        var generator = SystemRandomNumberGenerator()
        prefix = "req_" + Self.hex(UInt64(generator.next() as UInt32), digits: 8)
    }

    func make() -> String {
        let value = counter.add(1, ordering: .relaxed).newValue
        return prefix + Self.hex(value, digits: 16)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
