import SluiceAPI
import Testing
@testable import SluiceRouting

@Suite("Prefix affinity")
struct PrefixAffinityTests {
    private func conversation(_ number: Int, turns: Int) -> [ChatMessage] {
        var messages: [ChatMessage] = [
            .text(.system, "You are a helpful assistant."),
            .text(.user, "Conversation \(number): tell me about rivers."),
        ]
        for turn in 1..<max(turns, 1) {
            messages.append(.text(.assistant, "Answer \(turn) of conversation \(number)."))
            messages.append(.text(.user, "Follow-up \(turn)."))
        }
        return messages
    }

    private func fourReplicas(capacity: Int? = nil) -> [ReplicaSpec] {
        (0..<4).map { ReplicaSpec(id: "gpu-\($0)", capacity: capacity) }
    }

    @Test("every turn of a conversation gets the same key; other conversations differ")
    func keyStableAcrossTurns() throws {
        let keys = (1...4).map { PrefixAffinity.key(messages: conversation(7, turns: $0)) }
        #expect(keys.allSatisfy { $0 != nil && $0 == keys[0] })
        #expect(PrefixAffinity.key(messages: conversation(8, turns: 1)) != keys[0])
        // Stable across processes: FNV-1a, not the seeded `Hasher`.
        #expect(PrefixAffinity.key(messages: [.text(.user, "")]) == PrefixAffinity.key(messages: [.text(.user, "")]))
        #expect(PrefixAffinity.key(session: "") == 0xCBF2_9CE4_8422_2325)
        #expect(PrefixAffinity.key(session: "a") == 0xAF63_DC4C_8601_EC8C)
    }

    @Test("the key covers the system prompt and the first user message only")
    func keyCoverage() {
        let base: [ChatMessage] = [.text(.system, "S"), .text(.user, "U")]
        let key = PrefixAffinity.key(messages: base)
        #expect(PrefixAffinity.key(messages: [.text(.system, "T"), .text(.user, "U")]) != key)
        #expect(PrefixAffinity.key(messages: [.text(.user, "U")]) != key)
        #expect(PrefixAffinity.key(messages: [.text(.developer, "S"), .text(.user, "U")]) != key)
        #expect(PrefixAffinity.key(messages: base + [.text(.system, "late"), .text(.user, "V")]) == key)
        // Message boundaries matter: "S" + "U" is not "SU".
        #expect(PrefixAffinity.key(messages: [.text(.system, ""), .text(.user, "SU")]) != key)
        let parts = ChatMessage(role: .user, content: .parts([.text("U"), .imageURL(.init(url: "data:x"))]))
        #expect(PrefixAffinity.key(messages: [.text(.system, "S"), parts]) == key)
        #expect(PrefixAffinity.key(messages: [.text(.system, "only a system prompt")]) == nil)
        #expect(PrefixAffinity.key(messages: []) == nil)
    }

    @Test("a conversation sticks to one replica across turns and changing load")
    func affinityHolds() throws {
        for strategy in BalancingStrategy.allCases {
            let balancer = ReplicaBalancer(replicas: fourReplicas(), strategy: strategy, random: SplitMix64(seed: 5))
            let key = try #require(PrefixAffinity.key(messages: conversation(3, turns: 1)))
            let home = try #require(balancer.pick(affinity: key))
            #expect(home.reason == "affinity")
            for turn in 2...10 {
                // Unrelated traffic comes and goes on the other replicas.
                for other in 0..<4 where other != home.index { balancer.started(other) }
                let key = try #require(PrefixAffinity.key(messages: conversation(3, turns: turn)))
                let choice = try #require(balancer.pick(affinity: key))
                #expect(choice.index == home.index)
                #expect(choice.reason == "affinity")
                balancer.started(choice.index)
                balancer.finished(choice.index, latency: .milliseconds(20), success: true)
            }
        }
    }

    @Test("1,000 conversations spread over 4 replicas")
    func keysSpread() throws {
        let balancer = ReplicaBalancer(replicas: fourReplicas(), strategy: .weighted)
        var counts = [0, 0, 0, 0]
        for number in 0..<1000 {
            let key = try #require(PrefixAffinity.key(messages: conversation(number, turns: 1)))
            counts[try #require(balancer.pick(affinity: key)).index] += 1
        }
        // 250 each expected; the standard deviation is about 14.
        #expect(counts.allSatisfy { (190...310).contains($0) }, "\(counts)")
    }

    @Test("keys spread in proportion to weight")
    func keysFollowWeight() throws {
        let balancer = ReplicaBalancer(replicas: [ReplicaSpec(id: "big", weight: 3), ReplicaSpec(id: "small", weight: 1)])
        var big = 0
        for number in 0..<2000 where try #require(balancer.pick(affinity: PrefixAffinity.key(session: "s\(number)"))).index == 0 {
            big += 1
        }
        // 1,500 expected.
        #expect((1400...1600).contains(big), "\(big)")
    }

    @Test("removing a replica only moves the conversations that were on it")
    func removalMovesOnlyItsKeys() throws {
        let all = ReplicaBalancer(replicas: fourReplicas())
        // gpu-2 is gone, and the others have new positions.
        let fewer = ReplicaBalancer(replicas: [ReplicaSpec(id: "gpu-3"), ReplicaSpec(id: "gpu-0"), ReplicaSpec(id: "gpu-1")])
        var moved: [String: Int] = [:]
        for number in 0..<1000 {
            let key = PrefixAffinity.key(session: "conversation-\(number)")
            let before = try #require(all.pick(affinity: key)).replicaID
            let after = try #require(fewer.pick(affinity: key)).replicaID
            // Marking the replica unavailable has the same effect as removing it.
            let unavailable = try #require(all.pick(isAvailable: { $0 != 2 }, affinity: key)).replicaID
            #expect(after == unavailable)
            if before == "gpu-2" {
                moved[after, default: 0] += 1
            } else {
                #expect(after == before)
            }
        }
        // gpu-2's conversations are shared among all three survivors.
        #expect(moved.count == 3)
        #expect(moved.values.allSatisfy { $0 > 40 }, "\(moved)")
    }

    @Test("an overloaded affinity replica spills to another, and the reason says so")
    func overloadedSpills() throws {
        let balancer = ReplicaBalancer(replicas: fourReplicas(capacity: 2), strategy: .leastInFlight)
        let key = PrefixAffinity.key(session: "busy conversation")
        let home = try #require(balancer.pick(affinity: key))
        #expect(home.reason == "affinity")
        balancer.started(home.index)
        #expect(balancer.pick(affinity: key)?.index == home.index)
        balancer.started(home.index)
        // At capacity: spill.
        let spilled = try #require(balancer.pick(affinity: key))
        #expect(spilled.index != home.index)
        #expect(spilled.reason == "affinity-overloaded->least-in-flight")
        // Once it has room again, the conversation goes home.
        balancer.finished(home.index, latency: .milliseconds(30), success: true)
        #expect(balancer.pick(affinity: key) == home)
    }

    @Test("without a capacity, overloaded means more than twice the mean in flight plus one")
    func overloadedWithoutCapacity() throws {
        let balancer = ReplicaBalancer(replicas: fourReplicas(), strategy: .weighted)
        let key = PrefixAffinity.key(session: "no capacity")
        let home = try #require(balancer.pick(affinity: key))
        // Two in flight at home, none elsewhere: mean 0.5, limit 2 — not over it.
        balancer.started(home.index)
        balancer.started(home.index)
        #expect(balancer.pick(affinity: key) == home)
        // Three: mean 0.75, limit 2.5 — over it.
        balancer.started(home.index)
        let spilled = try #require(balancer.pick(affinity: key))
        #expect(spilled.index != home.index)
        #expect(spilled.reason == "affinity-overloaded->weighted")
        // Load elsewhere raises the mean: 3 at home and 1 on each other replica is a mean of 1.5, limit 4.
        for other in 0..<4 where other != home.index { balancer.started(other) }
        #expect(balancer.pick(affinity: key) == home)
    }

    @Test("with nowhere else to go, the affinity replica is kept even when overloaded")
    func overloadedButAlone() throws {
        let balancer = ReplicaBalancer(replicas: fourReplicas(capacity: 1), strategy: .latencyEWMA)
        let key = PrefixAffinity.key(session: "alone")
        let home = try #require(balancer.pick(affinity: key))
        balancer.started(home.index)
        let choice = try #require(balancer.pick(isAvailable: { $0 == home.index }, affinity: key))
        #expect(choice.index == home.index)
        #expect(choice.reason == "affinity")
    }
}
