import Testing
@testable import SluiceRouting

@Suite("Admission parts: tier table, capacity, waiter queue, hold-time average")
struct AdmissionPartsTests {
    @Test("unknown tiers get the unknown-tier policy; a named policy of that name wins")
    func tierTable() {
        let table = TierTable([TierPolicy(name: "paid", priority: 10)])
        #expect(table.policy(for: "paid").priority == 10)
        #expect(table.policy(for: "nobody").name == "default")
        #expect(table.policy(for: "nobody").priority == 0)
        #expect(table.allPolicies.map(\.name) == ["default", "paid"])

        let named = TierTable(
            [TierPolicy(name: "free", priority: 1)], unknown: TierPolicy(name: "free", priority: 99))
        #expect(named.policy(for: "nobody").priority == 1)
        #expect(named.allPolicies.count == 1)
    }

    @Test("capacity is at least one slot, with a queue of twice the concurrency by default")
    func capacity() {
        #expect(BackendCapacity(concurrency: 8).maxQueue == 16)
        #expect(BackendCapacity(concurrency: 0).concurrency == 1)
        #expect(BackendCapacity(concurrency: 4, maxQueue: -3).maxQueue == 0)
    }

    @Test("the waiter queue pops in order and removes by id or from the back")
    func waiterQueue() {
        var queue = WaiterQueue()
        let now = ContinuousClock.now
        for id in 1...100 as ClosedRange<UInt64> {
            queue.append(Waiter(id: id, tokens: 0, arrivedAt: now, deadline: now))
        }
        for id in 1...40 as ClosedRange<UInt64> { #expect(queue.popFirst()?.id == id) }
        #expect(queue.remove(id: 10) == nil)
        #expect(queue.remove(id: 50)?.id == 50)
        #expect(queue.remove(id: 50) == nil)
        #expect(queue.removeLast()?.id == 100)
        #expect(queue.count == 58)
        #expect(queue.first?.id == 41)
        #expect(queue.last?.id == 99)
        var drained: [UInt64] = []
        while let waiter = queue.popFirst() { drained.append(waiter.id) }
        #expect(drained == Array(41...49) + Array(51...99))
        #expect(queue.isEmpty)
    }

    @Test("the hold-time average starts at the first sample and moves by a fifth of each new one")
    func holdTime() {
        var average = HoldTimeAverage()
        #expect(average.estimate == .seconds(1))
        average.record(.milliseconds(100))
        #expect(average.estimate == .milliseconds(100))
        average.record(.milliseconds(600))
        let seconds = HoldTimeAverage.seconds(average.estimate)
        #expect(abs(seconds - 0.2) < 1e-9)
    }

    @Test("a rejection's Retry-After is whole seconds, at least 1")
    func retryAfterSeconds() {
        func seconds(_ duration: Duration) -> Int {
            AdmissionRejection(reason: .queueFull, tier: "t", retryAfter: duration, overload: .shed).retryAfterSeconds
        }
        #expect(seconds(.zero) == 1)
        #expect(seconds(.milliseconds(1)) == 1)
        #expect(seconds(.seconds(2)) == 2)
        #expect(seconds(.milliseconds(2001)) == 3)
    }
}
