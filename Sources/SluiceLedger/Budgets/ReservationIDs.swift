import Synchronization

/// Makes a store's budget reservation ids: `res_`, 64 random bits drawn once (16 hex digits), and a
/// counter. Unique across stores, replicas and restarts (the random part), and no system call per
/// reservation (drawing 128 random bits for each cost a `getrandom` call on every request).
final class ReservationIDs: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    init() {
        var generator = SystemRandomNumberGenerator()
        let random = String(generator.next() as UInt64, radix: 16)
        prefix = "res_" + String(repeating: "0", count: 16 - random.count) + random + "_"
    }

    /// The next id.
    func next() -> String {
        prefix + String(counter.add(1, ordering: .relaxed).newValue, radix: 36)
    }
}
