import Testing
@testable import SluiceRouting

@Suite("ReplicaBalancer strategies")
struct ReplicaBalancerTests {
    private func replicas(_ weights: [Int]) -> [ReplicaSpec] {
        weights.enumerated().map { ReplicaSpec(id: "r\($0.offset)", weight: $0.element) }
    }

    /// Picks `count` times, starting and finishing each request at once; returns the indices picked.
    private func picks(_ balancer: ReplicaBalancer, _ count: Int) throws -> [Int] {
        try (0..<count).map { _ in
            let choice = try #require(balancer.pick())
            balancer.started(choice.index)
            balancer.finished(choice.index, latency: nil, success: true)
            return choice.index
        }
    }

    @Test("weighted 3:1 gives exactly 75/25 over 400 picks, interleaved")
    func weightedExactShares() throws {
        let balancer = ReplicaBalancer(replicas: replicas([3, 1]), strategy: .weighted)
        let sequence = try picks(balancer, 400)
        #expect(sequence.filter { $0 == 0 }.count == 300)
        #expect(sequence.filter { $0 == 1 }.count == 100)
        // Smooth: every run of four consecutive picks holds the light replica exactly once.
        for start in 0...(sequence.count - 4) {
            #expect(sequence[start..<(start + 4)].filter { $0 == 1 }.count == 1)
        }
        #expect(balancer.pick()?.reason == "weighted")
    }

    @Test("weighted 5:1:1 follows nginx's smooth sequence")
    func weightedNginxSequence() throws {
        let balancer = ReplicaBalancer(replicas: replicas([5, 1, 1]), strategy: .weighted)
        #expect(try picks(balancer, 14) == [0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0])
    }

    @Test("weighted skips excluded replicas and keeps the others' shares")
    func weightedWithExclusion() throws {
        let balancer = ReplicaBalancer(replicas: replicas([2, 5, 1]), strategy: .weighted)
        var counts = [0, 0, 0]
        for _ in 0..<300 { counts[try #require(balancer.pick(excluding: [1])).index] += 1 }
        #expect(counts == [200, 0, 100])
    }

    @Test("least-in-flight picks the idle replica")
    func leastInFlightPicksIdle() throws {
        let balancer = ReplicaBalancer(replicas: replicas([1, 1, 1]), strategy: .leastInFlight)
        balancer.started(0)
        balancer.started(0)
        balancer.started(2)
        let choice = try #require(balancer.pick())
        #expect(choice.index == 1)
        #expect(choice.replicaID == "r1")
        #expect(choice.reason == "least-in-flight")
        balancer.started(1)
        balancer.started(1)
        // Now r2 has the fewest (1).
        #expect(balancer.pick()?.index == 2)
        #expect(balancer.snapshot.map(\.inFlight) == [2, 2, 1])
    }

    @Test("least-in-flight breaks ties by weight, then round-robin")
    func leastInFlightTies() throws {
        let heavy = ReplicaBalancer(replicas: replicas([1, 3, 1]), strategy: .leastInFlight)
        #expect(try picks(heavy, 5) == [1, 1, 1, 1, 1])
        let even = ReplicaBalancer(replicas: replicas([2, 2, 2]), strategy: .leastInFlight)
        #expect(try picks(even, 7) == [0, 1, 2, 0, 1, 2, 0])
    }

    @Test("least-in-flight spreads concurrent requests evenly")
    func leastInFlightSpreads() throws {
        let balancer = ReplicaBalancer(replicas: replicas([1, 1, 1, 1]), strategy: .leastInFlight)
        for _ in 0..<40 {
            let choice = try #require(balancer.pick())
            balancer.started(choice.index)
        }
        #expect(balancer.snapshot.map(\.inFlight) == [10, 10, 10, 10])
    }

    @Test("EWMA p2c measures unmeasured replicas first")
    func ewmaProbesUnmeasured() throws {
        let balancer = ReplicaBalancer(
            replicas: replicas([1, 1]), strategy: .latencyEWMA, random: SplitMix64(seed: 1))
        balancer.started(0)
        balancer.finished(0, latency: .milliseconds(5), success: true)
        let choice = try #require(balancer.pick())
        #expect(choice.index == 1)
        #expect(choice.reason == "ewma-p2c")
    }

    @Test("EWMA p2c sends clearly more traffic to the fast replica than to a 5× slower one")
    func ewmaFavoursFast() throws {
        // One fast replica among three 5× slower ones, requests one after another.
        let balancer = ReplicaBalancer(
            replicas: replicas([1, 1, 1, 1]), strategy: .latencyEWMA, random: SplitMix64(seed: 2024))
        var counts = [0, 0, 0, 0]
        for _ in 0..<4000 {
            let index = try #require(balancer.pick()).index
            counts[index] += 1
            balancer.started(index)
            balancer.finished(index, latency: index == 0 ? .milliseconds(10) : .milliseconds(50), success: true)
        }
        // Fast wins every pair it is drawn into (half of them); a slow one only wins against a slow one.
        #expect(counts[0] > 1800)
        for slow in 1...3 { #expect(counts[0] > 2 * counts[slow]) }
    }

    @Test("EWMA p2c under concurrency: the fast replica takes most, the slow one takes the overflow")
    func ewmaUnderLoad() throws {
        let balancer = ReplicaBalancer(
            replicas: replicas([1, 1]), strategy: .latencyEWMA, random: SplitMix64(seed: 9))
        let latencies = [10, 50]  // ticks (ms)
        var finishing: [(tick: Int, index: Int)] = []
        var counts = [0, 0]
        for tick in 0..<5000 {
            for done in finishing where done.tick == tick {
                balancer.finished(done.index, latency: .milliseconds(Int64(latencies[done.index])), success: true)
            }
            finishing.removeAll { $0.tick <= tick }
            // One arrival per tick: more than the fast replica can take alone at cost parity.
            let index = try #require(balancer.pick()).index
            balancer.started(index)
            counts[index] += 1
            finishing.append((tick + latencies[index], index))
        }
        #expect(counts[0] > 2 * counts[1])
        #expect(counts[1] > 0)
    }

    @Test("EWMA follows alpha, and failures make a replica look slower")
    func ewmaUpdates() throws {
        let balancer = ReplicaBalancer(replicas: replicas([1, 1]), strategy: .latencyEWMA, ewmaAlpha: 0.5)
        balancer.started(0)
        balancer.finished(0, latency: .milliseconds(100), success: true)
        balancer.started(0)
        balancer.finished(0, latency: .milliseconds(200), success: true)
        #expect(balancer.snapshot[0].latencyEWMA == .milliseconds(150))
        // A quick failure counts as twice the EWMA: 0.5 × 300 + 0.5 × 150.
        balancer.started(0)
        balancer.finished(0, latency: .milliseconds(1), success: false)
        #expect(balancer.snapshot[0].latencyEWMA == .milliseconds(225))
        // An unmeasured replica's failure counts as twice the slowest known EWMA.
        balancer.started(1)
        balancer.finished(1, latency: .milliseconds(1), success: false)
        #expect(balancer.snapshot[1].latencyEWMA == .milliseconds(450))
        #expect(balancer.snapshot.map(\.failures) == [1, 1])
        #expect(balancer.snapshot.map(\.completed) == [3, 1])
        #expect(balancer.snapshot.map(\.inFlight) == [0, 0])
    }

    @Test("excluded and unavailable replicas are never picked, by any strategy")
    func excludedNeverPicked() throws {
        for strategy in BalancingStrategy.allCases {
            let balancer = ReplicaBalancer(
                replicas: replicas([4, 1, 2, 3, 1]), strategy: strategy, random: SplitMix64(seed: 3))
            var seen: Set<Int> = []
            for round in 0..<300 {
                let choice = try #require(
                    balancer.pick(excluding: [0], isAvailable: { $0 != 3 }, affinity: round.isMultiple(of: 3) ? UInt64(round) : nil))
                seen.insert(choice.index)
                balancer.started(choice.index)
                if round.isMultiple(of: 2) {
                    balancer.finished(choice.index, latency: .milliseconds(Int64(10 + choice.index)), success: true)
                }
            }
            #expect(seen == [1, 2, 4], "\(strategy)")
        }
    }

    @Test("nothing available: nil")
    func nothingAvailable() {
        for strategy in BalancingStrategy.allCases {
            let balancer = ReplicaBalancer(replicas: replicas([1, 2]), strategy: strategy)
            #expect(balancer.pick(isAvailable: { _ in false }) == nil)
            #expect(balancer.pick(excluding: [0, 1]) == nil)
            #expect(balancer.pick(excluding: [0], isAvailable: { $0 == 0 }, affinity: 42) == nil)
            #expect(ReplicaBalancer(replicas: [], strategy: strategy).pick() == nil)
        }
    }

    @Test("replicas at capacity are passed over while another has room")
    func capacityRespected() throws {
        let balancer = ReplicaBalancer(
            replicas: [ReplicaSpec(id: "a", weight: 5, capacity: 1), ReplicaSpec(id: "b", weight: 1)], strategy: .weighted)
        balancer.started(0)
        for _ in 0..<5 { #expect(balancer.pick()?.index == 1) }
        balancer.finished(0, latency: nil, success: true)
        #expect(balancer.pick()?.index == 0)
    }

    @Test("the strategy's configuration names")
    func strategyNames() {
        #expect(BalancingStrategy(rawValue: "least_in_flight") == .leastInFlight)
        #expect(BalancingStrategy(rawValue: "latency") == .latencyEWMA)
        #expect(ReplicaSpec(id: "x", weight: 0, capacity: 0) == ReplicaSpec(id: "x", weight: 1, capacity: 1))
    }
}
