import Foundation
import SluiceAPI
import SluiceGateway
import SluiceProviders
import SluiceRouting
import SluiceTesting
import Testing

/// Routes end to end: rules on caller and request features, the reason header, replicas and affinity.
@Suite("Routes, rules, replicas and affinity through the gateway")
struct RoutingGatewayTests {
    static func config(_ upstreams: FaultyUpstreams) -> GatewayConfig {
        var config = GatewayConfig(models: [
            upstreams.model("strong", on: 0), upstreams.model("cheap", on: 1), upstreams.model("tooly", on: 2),
        ])
        config.routing.trustTierHeader = true
        config.routing.routes = [
            RouteConfig(
                name: "auto",
                rules: [
                    RouteRule(
                        name: "free-long-chat",
                        conditions: [.tier(["free"]), .number(.conversationTokens, 200...Double.infinity)], target: "cheap"),
                    RouteRule(name: "tools", conditions: [.flag(.tools, true)], target: "tooly"),
                ],
                defaultModel: "strong", fallbacks: ["cheap"]),
        ]
        return config
    }

    static let long = String(repeating: "tell me more about it ", count: 60)  // about 330 tokens

    @Test func rulesPickModelsAndSayWhy() async throws {
        try await FaultyUpstreams.with(count: 3) { upstreams in
            try await GatewayHarness.with(Self.config(upstreams)) { gateway in
                let longChat = #"{"model":"auto","messages":[{"role":"user","content":"\#(Self.long)"},{"role":"assistant","content":"ok"},{"role":"user","content":"and?"}]}"#
                let free = try await gateway.send("/v1/chat/completions", body: longChat, headers: [("x-sluice-tier", "free")])
                #expect(free.status == 200)
                #expect(free.headers.first(name: "x-sluice-model") == "cheap")
                #expect(free.headers.first(name: "x-sluice-route-reason") == "rule:free-long-chat")
                #expect(free.headers.first(name: "x-sluice-route") == "auto")
                let paid = try await gateway.send("/v1/chat/completions", body: longChat, headers: [("x-sluice-tier", "paid")])
                #expect(paid.headers.first(name: "x-sluice-model") == "strong")
                #expect(paid.headers.first(name: "x-sluice-route-reason") == "default")
                let tools = #"{"model":"auto","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}"#
                let tooled = try await gateway.send("/v1/chat/completions", body: tools)
                #expect(tooled.headers.first(name: "x-sluice-model") == "tooly")
                #expect(tooled.headers.first(name: "x-sluice-route-reason") == "rule:tools")
                #expect(upstreams.plans.map(\.hits) == [1, 1, 1])
                // Routes are listed with the models.
                let models = try await gateway.send("/v1/models", method: .GET)
                #expect(models.body.contains(#""id":"auto""#))
            }
        }
    }

    @Test func tierHeaderIsIgnoredUnlessTrusted() async throws {
        try await FaultyUpstreams.with(count: 3) { upstreams in
            var config = Self.config(upstreams)
            config.routing.trustTierHeader = false
            try await GatewayHarness.with(config) { gateway in
                let longChat = #"{"model":"auto","messages":[{"role":"user","content":"\#(Self.long)"}]}"#
                let reply = try await gateway.send("/v1/chat/completions", body: longChat, headers: [("x-sluice-tier", "free")])
                #expect(reply.headers.first(name: "x-sluice-model") == "strong")
            }
        }
    }

    @Test func weightedReplicasSplitTraffic() async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            var model = upstreams.model("pool", on: 0)
            model.weight = 3
            model.balance = .weighted
            model.replicas = [ReplicaConfig(baseURL: upstreams.baseURL(1), apiKey: FakeOpenAI.apiKey, weight: 1)]
            try await GatewayHarness.with(GatewayConfig(models: [model])) { gateway in
                for _ in 0..<40 {
                    let reply = try await gateway.send("/v1/chat/completions", body: FailoverTests.body("pool"))
                    #expect(reply.status == 200)
                }
                #expect(upstreams.plans[0].hits == 30)
                #expect(upstreams.plans[1].hits == 10)
            }
        }
    }

    @Test func replicaFailureMovesToAnotherReplica() async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            upstreams.plans[0].set(.status(502))
            var model = upstreams.model("pool", on: 0)
            model.balance = .weighted
            model.replicas = [ReplicaConfig(baseURL: upstreams.baseURL(1), apiKey: FakeOpenAI.apiKey)]
            var config = GatewayConfig(models: [model])
            config.routing.retry = RetryConfig(attempts: 2, baseDelay: 0.01, maxDelay: 0.02)
            try await GatewayHarness.with(config) { gateway in
                for _ in 0..<6 {
                    let reply = try await gateway.send("/v1/chat/completions", body: FailoverTests.body("pool"))
                    #expect(reply.status == 200, "the retry goes to the healthy replica")
                }
                #expect(upstreams.plans[1].hits == 6)
            }
        }
    }

    @Test func prefixAffinityKeepsAConversationOnItsReplica() async throws {
        try await FaultyUpstreams.with(count: 3) { upstreams in
            var model = upstreams.model("engine", on: 0)
            model.prefixAffinity = true
            model.replicas = [1, 2].map { ReplicaConfig(baseURL: upstreams.baseURL($0), apiKey: FakeOpenAI.apiKey) }
            try await GatewayHarness.with(GatewayConfig(models: [model])) { gateway in
                for conversation in 0..<6 {
                    var messages = [#"{"role":"system","content":"You are bot \#(conversation)."}"#, #"{"role":"user","content":"start \#(conversation)"}"#]
                    let before = upstreams.plans.map(\.hits)
                    var replica: Int?
                    for turn in 0..<4 {
                        let body = #"{"model":"engine","messages":[\#(messages.joined(separator: ","))]}"#
                        let reply = try await gateway.send("/v1/chat/completions", body: body)
                        #expect(reply.status == 200)
                        messages += [#"{"role":"assistant","content":"reply \#(turn)"}"#, #"{"role":"user","content":"turn \#(turn)"}"#]
                        let hits = upstreams.plans.map(\.hits)
                        let served = try #require(hits.indices.first { hits[$0] > before[$0] })
                        if let replica { #expect(served == replica, "conversation \(conversation) moved replicas") }
                        replica = served
                        #expect(hits[served] - before[served] == turn + 1)
                    }
                }
                #expect(upstreams.plans.filter { $0.hits > 0 }.count >= 2, "conversations spread over replicas")
            }
        }
    }
}
