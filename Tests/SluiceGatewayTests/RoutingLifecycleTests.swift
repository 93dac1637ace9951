import Foundation
import Logging
import SluiceAPI
import SluiceGateway
import SluiceLedger
import SluiceProviders
import SluiceRouting
import SluiceTesting
import Testing

/// The discriminator behind a route (loaded at start-up, reloaded on change), slots given back after
/// every kind of ending, and the ledger's view of a request a fallback answered.
@Suite("Routing: discriminator files, slots and the ledger")
struct RoutingLifecycleTests {
    static func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sluice-routing-\(UUID().uuidString).\(suffix)").path
    }

    /// A classifier trained on the synthetic set (hard words and long chats need the strong model).
    static func trainedModel() throws -> DiscriminatorModel {
        try DiscriminatorTrainer().train(SyntheticRoutingSet(seed: 11).examples(count: 3_000), target: .strongShare(0.4))
    }

    @Test func discriminatorPicksAndReloads() async throws {
        let path = Self.temporaryPath("json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try Self.trainedModel()
        try DiscriminatorFile.save(model, to: path)
        try await FaultyUpstreams.with(count: 2) { upstreams in
            var config = GatewayConfig(models: [upstreams.model("strong", on: 0), upstreams.model("weak", on: 1)])
            config.routing.routes = [
                RouteConfig(
                    name: "smart", discriminator: DiscriminatorConfig(path: path, strong: "strong", weak: "weak"),
                    defaultModel: "weak"),
            ]
            let hard = #"{"model":"smart","messages":[{"role":"user","content":"Prove that the asymptotic complexity of this integral is optimal and derive the theorem."}]}"#
            let easy = #"{"model":"smart","messages":[{"role":"user","content":"hi, how are you today?"}]}"#
            try await GatewayHarness.with(config) { gateway in
                let strong = try await gateway.send("/v1/chat/completions", body: hard)
                #expect(strong.status == 200)
                #expect(strong.headers.first(name: "x-sluice-model") == "strong")
                #expect(strong.headers.first(name: "x-sluice-route-reason")?.hasPrefix("discriminator:strong p=") == true)
                let weak = try await gateway.send("/v1/chat/completions", body: easy)
                #expect(weak.headers.first(name: "x-sluice-model") == "weak")
                #expect(weak.headers.first(name: "x-sluice-route-reason")?.hasPrefix("discriminator:weak p=") == true)
                // A retrained file with a threshold no request reaches sends everything to the weak model.
                var retrained = model
                retrained.threshold = 1
                try DiscriminatorFile.save(retrained, to: path)
                var reloaded = false
                for _ in 0..<40 where !reloaded {
                    try await Task.sleep(for: .milliseconds(250))
                    let reply = try await gateway.send("/v1/chat/completions", body: hard)
                    reloaded = reply.headers.first(name: "x-sluice-model") == "weak"
                }
                #expect(reloaded, "the new file was picked up within 10 s")
                // A corrupt file keeps the previous classifier.
                try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
                try await Task.sleep(for: .seconds(3))
                let still = try await gateway.send("/v1/chat/completions", body: hard)
                #expect(still.status == 200)
                #expect(still.headers.first(name: "x-sluice-route-reason")?.contains("<=1.000") == true)
            }
        }
    }

    @Test func aCorruptDiscriminatorFileStopsStartUp() async throws {
        let path = Self.temporaryPath("json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
        var config = GatewayConfig(models: [ModelConfig(endpoint: ModelEndpoint(name: "m", kind: .openai, baseURL: "http://127.0.0.1:1/v1"))])
        config.routing.routes = [
            RouteConfig(name: "r", discriminator: DiscriminatorConfig(path: path, strong: "m", weak: "m"), defaultModel: "m"),
        ]
        await #expect(throws: ConfigError.self) { _ = try await Gateway(config: config, logger: Logger(label: "test")) }
    }

    @Test func slotsComeBackAfterStreamsErrorsAndCuts() async throws {
        try await FaultyUpstreams.with(count: 1) { upstreams in
            var model = upstreams.model("one", on: 0)
            model.capacity = 1
            model.maxQueue = 0
            var config = GatewayConfig(models: [model])
            config.routing.retry = RetryConfig(attempts: 1)
            try await GatewayHarness.with(config) { gateway in
                for round in 0..<3 {
                    let stream = try await gateway.send("/v1/chat/completions", body: FailoverTests.body("one", stream: true))
                    #expect(stream.status == 200, "round \(round): \(stream.body)")
                    let plain = try await gateway.send("/v1/chat/completions", body: FailoverTests.body("one"))
                    #expect(plain.status == 200)
                    upstreams.plans[0].queue([.status(500)])
                    let failed = try await gateway.send("/v1/chat/completions", body: FailoverTests.body("one", stream: true))
                    #expect(failed.status == 500)
                    upstreams.plans[0].queue([.cutMidStream])
                    let cut = try await gateway.send("/v1/chat/completions", body: FailoverTests.body("one", stream: true))
                    #expect(cut.status == 200)
                    #expect(cut.events.last?.data != "[DONE]")
                }
                // With capacity 1 and no queue, any slot not given back would turn this into a 429.
                let last = try await gateway.send("/v1/chat/completions", body: FailoverTests.body("one"))
                #expect(last.status == 200, "\(last.body)")
            }
        }
    }

    @Test func tokensPerMinuteCountsWhatAnswersUsed() async throws {
        try await FaultyUpstreams.with(count: 1) { upstreams in
            var model = upstreams.model("metered", on: 0)
            model.capacity = 4
            model.tokensPerMinute = 3_000
            var config = GatewayConfig(models: [model])
            config.routing.tiers = ["default": TierConfig(queueTimeout: 0)]
            try await GatewayHarness.with(config) { gateway in
                // Each request is admitted on an estimate of about 1,000 tokens (its max_tokens) but uses 8;
                // were the estimates kept, the third would find the minute's window full and be refused.
                for index in 0..<10 {
                    let body = #"{"model":"metered","max_tokens":1000,"messages":[{"role":"user","content":"hi"}]\#(index % 2 == 0 ? "" : #","stream":true,"stream_options":{"include_usage":true}"#)}"#
                    let reply = try await gateway.send("/v1/chat/completions", body: body)
                    #expect(reply.status == 200, "request \(index): \(reply.body)")
                }
                // A request that could never fit the window is refused at once.
                let huge = try await gateway.send(
                    "/v1/chat/completions", body: #"{"model":"metered","max_tokens":4000,"messages":[{"role":"user","content":"hi"}]}"#)
                #expect(huge.status == 429)
            }
        }
    }

    @Test func theLedgerRecordsTheModelThatAnswered() async throws {
        let path = Self.temporaryPath("sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await FaultyUpstreams.with(count: 2) { upstreams in
            upstreams.plans[0].set(.status(503))
            var primary = upstreams.model("primary", on: 0)
            primary.fallbacks = ["backup"]
            primary.price = ModelPrice(currency: .usd, input: 1_000_000_000, output: 1_000_000_000)
            var backup = upstreams.model("backup", on: 1)
            backup.price = ModelPrice(currency: .usd, input: 10_000_000_000, output: 10_000_000_000)
            var config = GatewayConfig(models: [primary, backup])
            config.ledger = LedgerConfig(location: .sqlite(path: path))
            config.auth = AuthConfig(adminKey: LedgerGatewayTests.adminKey)
            config.routing.retry = RetryConfig(attempts: 1)
            try await GatewayHarness.with(config) { gateway in
                let (_, secret) = try await LedgerGatewayTests.createKey(
                    gateway, #"{"owner":"team","budget":{"amount":"1","currency":"USD","period":"total"}}"#)
                let reply = try await gateway.send(
                    "/v1/chat/completions", body: FailoverTests.body("primary"), headers: LedgerGatewayTests.bearer(secret))
                #expect(reply.status == 200)
                #expect(reply.headers.first(name: "x-sluice-model") == "backup")
                // 1 prompt and 7 completion tokens at the backup's price of 10 USD per 1M each (the primary's would be 0.000008).
                #expect(reply.headers.first(name: "x-sluice-cost") == "0.00008 USD")
                let usage = try await gateway.send("/admin/usage?group_by=model", method: .GET, headers: LedgerGatewayTests.admin)
                let rows = try #require(usage.json?["data"]?.arrayValue)
                #expect(rows.count == 1)
                #expect(rows.first?["group"]?.stringValue == "backup")
                #expect(rows.first?["requests"]?.intValue == 1)
                // The routing status shows the failure and the answer, per replica.
                let status = try await gateway.send("/admin/routing", method: .GET, headers: LedgerGatewayTests.admin)
                #expect(status.status == 200)
                let models = try #require(status.json?["models"]?.arrayValue)
                #expect(models.map { $0["name"]?.stringValue } == ["primary", "backup"])
                let primaryReplica = models[0]["replicas"]?.arrayValue?.first
                #expect(primaryReplica?["failures"]?.intValue == 1)
                #expect(primaryReplica?["breaker"]?.stringValue == "closed")
                #expect(models[1]["replicas"]?.arrayValue?.first?["completed"]?.intValue == 1)
                let denied = try await gateway.send("/admin/routing", method: .GET)
                #expect(denied.status == 401)
            }
        }
    }
}
