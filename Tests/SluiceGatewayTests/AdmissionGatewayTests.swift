import Foundation
import SluiceAPI
import SluiceGateway
import SluiceProviders
import SluiceTesting
import Testing

/// A 3× burst against a backend of capacity C, half paid and half free: every paid request is served,
/// and the free ones are shed or downgraded exactly as the tier says.
@Suite("Admission at peaks through the gateway")
struct AdmissionGatewayTests {
    static let capacity = 4

    static func config(_ upstreams: FaultyUpstreams, freeDowngrades: Bool) -> GatewayConfig {
        var slow = upstreams.model("slow", on: 0, timeouts: Timeouts(connect: 5, firstByte: 30, total: 60))
        slow.capacity = capacity
        var config = GatewayConfig(models: [slow, upstreams.model("cheap", on: 1)])
        config.routing.trustTierHeader = true
        config.routing.tiers = [
            "paid": TierConfig(priority: 10, queueTimeout: 30),
            "free": TierConfig(priority: 0, queueTimeout: 0.1, maxShare: 0.5, downgradeRoute: freeDowngrades ? "cheap" : nil),
        ]
        return config
    }

    /// Sends 3×C requests at once, alternating paid and free.
    static func burst(_ gateway: GatewayHarness) async throws -> [(tier: String, reply: GatewayHarness.Reply)] {
        try await withThrowingTaskGroup(of: (String, GatewayHarness.Reply).self) { group in
            for index in 0..<(3 * capacity) {
                let tier = index % 2 == 0 ? "paid" : "free"
                group.addTask {
                    (tier, try await gateway.send(
                        "/v1/chat/completions", body: FailoverTests.body("slow", "request \(index)"), headers: [("x-sluice-tier", tier)]))
                }
            }
            var replies: [(tier: String, reply: GatewayHarness.Reply)] = []
            for try await reply in group { replies.append(reply) }
            return replies
        }
    }

    @Test func freeTrafficIsShedPaidIsServed() async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            upstreams.plans[0].set(.slowHead(.seconds(6)))
            try await GatewayHarness.with(Self.config(upstreams, freeDowngrades: false)) { gateway in
                let replies = try await Self.burst(gateway)
                let paid = replies.filter { $0.tier == "paid" }.map(\.reply)
                let free = replies.filter { $0.tier == "free" }.map(\.reply)
                #expect(paid.count == 6 && paid.allSatisfy { $0.status == 200 }, "\(paid.map(\.status))")
                let served = free.filter { $0.status == 200 }
                let shed = free.filter { $0.status == 429 }
                #expect(served.count + shed.count == free.count)
                // Free may hold half the capacity, and its 0.1 s queue timeout is far shorter than a 6 s call (long enough that the whole burst arrives while the slots are held, even on a loaded machine).
                #expect(served.count <= Self.capacity / 2)
                #expect(shed.count >= free.count - Self.capacity / 2)
                for reply in shed {
                    #expect(reply.json?["error"]?["code"]?.stringValue == "capacity_exceeded")
                    #expect(Int(reply.headers.first(name: "retry-after") ?? "") ?? 0 >= 1)
                }
                #expect(upstreams.plans[1].hits == 0, "shedding never moves load to another model")
            }
        }
    }

    @Test func freeTrafficIsDowngradedPaidIsServed() async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            upstreams.plans[0].set(.slowHead(.seconds(6)))
            try await GatewayHarness.with(Self.config(upstreams, freeDowngrades: true)) { gateway in
                let replies = try await Self.burst(gateway)
                #expect(replies.allSatisfy { $0.reply.status == 200 }, "\(replies.map(\.reply.status))")
                let paid = replies.filter { $0.tier == "paid" }.map(\.reply)
                #expect(paid.allSatisfy { $0.headers.first(name: "x-sluice-model") == "slow" })
                let downgraded = replies.filter { $0.reply.headers.first(name: "x-sluice-downgraded") != nil }
                #expect(downgraded.allSatisfy { $0.tier == "free" })
                #expect(downgraded.count >= 6 - Self.capacity / 2)
                for entry in downgraded {
                    #expect(entry.reply.headers.first(name: "x-sluice-model") == "cheap")
                    #expect(entry.reply.headers.first(name: "x-sluice-downgraded") == "slow")
                    #expect(entry.reply.headers.first(name: "x-sluice-route-reason")?.contains("downgraded:cheap") == true)
                }
                #expect(upstreams.plans[1].hits == downgraded.count)
            }
        }
    }
}
