import Synchronization
import Testing
@testable import SluiceRouting

/// Tier policies the admission tests share.
enum TestTiers {
    static func paid(timeout: Duration = .seconds(60), share: Double = 1) -> TierPolicy {
        TierPolicy(name: "paid", priority: 10, queueTimeout: timeout, maxShare: share)
    }

    static func free(
        timeout: Duration = .seconds(60), share: Double = 1, overload: OverloadAction = .shed
    ) -> TierPolicy {
        TierPolicy(name: "free", priority: 0, queueTimeout: timeout, maxShare: share, overload: overload)
    }
}

/// A list that many tasks append to.
final class Log<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    func append(_ element: Element) { storage.withLock { $0.append(element) } }

    var values: [Element] { storage.withLock { $0 } }
}

/// Calls `enter` and returns its outcome as a value.
func attempt(_ gate: AdmissionGate, tier: String, tokens: Int = 0) async -> AdmissionOutcome {
    do {
        return .success(try await gate.enter(tier: tier, tokens: tokens))
    } catch {
        return .failure(error)
    }
}

/// Polls `condition` every millisecond until it holds; false if it still does not after `timeout`.
func eventually(timeout: Duration = .seconds(60), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return true
}

extension AdmissionSnapshot {
    /// Every arrival the gate has seen: admitted, waiting, or turned away.
    var accounted: Int { admitted + queued + shed }

    func shed(_ tier: String, _ reason: AdmissionRejection.Reason) -> Int {
        shedByTier[tier]?[reason] ?? 0
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { failure } else { nil }
    }

    var success: Success? {
        if case .success(let success) = self { success } else { nil }
    }
}

/// A small seeded generator (SplitMix64), so the random tests draw the same tiers each run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
