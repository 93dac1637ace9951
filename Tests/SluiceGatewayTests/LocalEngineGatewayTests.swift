import Foundation
import SluiceEngine
import SluiceGateway
import SluiceLedger
import SluiceProviders
import Testing

/// The built-in engine behind the gateway: cached prompt tokens reach the client and `/admin/engine`.
@Suite("Local engine through the gateway")
struct LocalEngineGatewayTests {
    static func modelPath() -> String {
        ProcessInfo.processInfo.environment["SLUICE_TEST_MODEL"] ?? ModelFetcher().defaultModelPath.path
    }

    static func body(_ question: String) -> String {
        let document = (1...20).map { "Rule \($0): keep the gate at \($0) closed after dark." }.joined(separator: " ")
        return #"{"model":"local","temperature":0,"max_tokens":4,"messages":[{"role":"system","content":"\#(document)"},{"role":"user","content":"\#(question)"}]}"#
    }

    @Test func cachedPromptTokensAreReportedAndTheEngineStatusShowsTheCache() async throws {
        let path = RoutingLifecycleTests.temporaryPath("sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var endpoint = ModelEndpoint(name: "local", kind: .local, modelPath: Self.modelPath())
        endpoint.threads = 2
        endpoint.local = LocalOptions(parallel: 4, maxWaiting: 3, contextLength: 1024)
        var config = GatewayConfig(models: [ModelConfig(endpoint: endpoint)])
        config.ledger = LedgerConfig(location: .sqlite(path: path))
        config.auth = AuthConfig(adminKey: LedgerGatewayTests.adminKey)
        try await GatewayHarness.with(config) { gateway in
            let (_, secret) = try await LedgerGatewayTests.createKey(gateway, #"{"owner":"team"}"#)
            let first = try await gateway.send("/v1/chat/completions", body: Self.body("Which rule is first?"), headers: LedgerGatewayTests.bearer(secret))
            #expect(first.status == 200, "\(first.body)")
            let firstUsage = try #require(first.json?["usage"])
            #expect(firstUsage["prompt_tokens_details"]?["cached_tokens"]?.intValue == 0)
            let second = try await gateway.send("/v1/chat/completions", body: Self.body("Which rule is last?"), headers: LedgerGatewayTests.bearer(secret))
            let usage = try #require(second.json?["usage"])
            let prompt = try #require(usage["prompt_tokens"]?.intValue)
            let cached = try #require(usage["prompt_tokens_details"]?["cached_tokens"]?.intValue)
            #expect(cached >= 200 && cached < prompt, "cached \(cached) of \(prompt)")

            let status = try await gateway.send("/admin/engine", method: .GET, headers: LedgerGatewayTests.admin)
            #expect(status.status == 200)
            let model = try #require(status.json?["models"]?.arrayValue?.first)
            #expect(model["name"]?.stringValue == "local")
            #expect(model["parallel"]?.intValue == 4)
            #expect(model["max_waiting"]?.intValue == 3)
            #expect(model["running"]?.intValue == 0)
            #expect(model["waiting"]?.intValue == 0)
            #expect(model["kv_cache"]?["capacity_tokens"]?.intValue == 4 * 1024)
            #expect(model["kv_cache"]?["blocks_in_use"]?.intValue == 0)
            #expect((model["kv_cache"]?["cached_blocks"]?.intValue ?? 0) >= cached / 32)
            let denied = try await gateway.send("/admin/engine", method: .GET)
            #expect(denied.status == 401)
        }
    }
}
