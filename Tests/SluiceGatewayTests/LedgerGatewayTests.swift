import AsyncHTTPClient
import Foundation
import NIOCore
import Logging
import SluiceAPI
import SluiceGateway
import SluiceLedger
import SluiceTesting
import Testing

/// Keys, limits, budgets, costs and the usage ledger, end to end through a gateway with a real SQLite
/// ledger and a real fake upstream.
@Suite("Ledger through the gateway")
struct LedgerGatewayTests {
    static let adminKey = "admin-test-key-0123456789"
    static let admin = [("authorization", "Bearer \(adminKey)")]
    /// "hello there" is 11 characters, so the fake reports 2 prompt tokens and 7 completion tokens:
    /// at $1 per 1M input and $2 per 1M output that is 2 × 1,000 + 7 × 2,000 = 16,000 nanos.
    static let helloCost: Int64 = 16_000

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sluice-ledger-\(UUID().uuidString).sqlite").path
    }

    static func configure(_ base: GatewayConfig, path: String) -> GatewayConfig {
        var config = base
        config.ledger = LedgerConfig(location: .sqlite(path: path))
        config.auth = AuthConfig(adminKey: adminKey)
        config.models[0].price = ModelPrice(
            currency: .usd, input: 1_000_000_000, cachedInput: 500_000_000, output: 2_000_000_000)
        return config
    }

    static func hello(_ model: String = "gpt", extra: String = "") -> String {
        #"{"model":"\#(model)","messages":[{"role":"user","content":"hello there"}]\#(extra)}"#
    }

    static func bearer(_ secret: String) -> [(String, String)] { [("authorization", "Bearer \(secret)")] }

    /// Creates a key through the admin API; returns its id and secret.
    static func createKey(_ gateway: GatewayHarness, _ body: String) async throws -> (id: String, secret: String) {
        let reply = try await gateway.send("/admin/keys", body: body, headers: admin)
        #expect(reply.status == 201, "\(reply.body)")
        let id = try #require(reply.json?["id"]?.stringValue)
        let secret = try #require(reply.json?["key"]?.stringValue)
        return (id, secret)
    }

    @Test("keys are required, checked, listed without secrets, and revoked")
    func keys() async throws {
        let path = Self.temporaryPath()
        try await Upstreams.with { base in
            try await GatewayHarness.with(Self.configure(base, path: path)) { gateway in
                let missing = try await gateway.send("/v1/chat/completions", body: Self.hello())
                #expect(missing.status == 401)
                #expect(missing.json?["error"]?["code"]?.stringValue == "missing_api_key")
                let wrong = try await gateway.send("/v1/chat/completions", body: Self.hello(), headers: Self.bearer("sk-sluice-nope"))
                #expect(wrong.status == 401)
                #expect(wrong.json?["error"]?["code"]?.stringValue == "invalid_api_key")
                #expect(!wrong.body.contains("sk-sluice-nope"), "the presented key is never echoed")

                let noAdmin = try await gateway.send("/admin/keys", body: #"{"owner":"alice"}"#)
                #expect(noAdmin.status == 401)
                let badAdmin = try await gateway.send("/admin/keys", body: #"{"owner":"alice"}"#, headers: Self.bearer("not-the-admin-key"))
                #expect(badAdmin.status == 401)
                let badBody = try await gateway.send("/admin/keys", body: #"{"owner":"alice","rpm":0}"#, headers: Self.admin)
                #expect(badBody.status == 400)

                let (id, secret) = try await Self.createKey(gateway, #"{"owner":"alice","tier":"paid"}"#)
                #expect(secret.hasPrefix("sk-sluice-") && secret.count == 50)
                #expect(id.hasPrefix("key_"))
                let ok = try await gateway.send("/v1/chat/completions", body: Self.hello(), headers: Self.bearer(secret))
                #expect(ok.status == 200, "\(ok.body)")
                #expect(ok.headers.first(name: "x-sluice-cost") == "0.000016 USD")

                let list = try await gateway.send("/admin/keys", method: .GET, headers: Self.admin)
                #expect(list.status == 200)
                #expect(list.body.contains(id))
                #expect(!list.body.contains(secret), "listings never show the secret")
                #expect(list.json?["data"]?.arrayValue?.first?["prefix"]?.stringValue == String(secret.prefix(14)) + "…")

                let (_, claudeOnly) = try await Self.createKey(gateway, #"{"owner":"bob","models":["claude"]}"#)
                let forbidden = try await gateway.send("/v1/chat/completions", body: Self.hello(), headers: Self.bearer(claudeOnly))
                #expect(forbidden.status == 403)
                #expect(forbidden.json?["error"]?["code"]?.stringValue == "model_not_allowed")
                let allowed = try await gateway.send("/v1/chat/completions", body: Self.hello("claude"), headers: Self.bearer(claudeOnly))
                #expect(allowed.status == 200)

                let (_, expired) = try await Self.createKey(gateway, #"{"owner":"carol","expires_at":"2020-01-01T00:00:00Z"}"#)
                let late = try await gateway.send("/v1/chat/completions", body: Self.hello(), headers: Self.bearer(expired))
                #expect(late.status == 401)
                #expect(late.json?["error"]?["code"]?.stringValue == "expired_api_key")

                let revoke = try await gateway.send("/admin/keys/\(id)", method: .DELETE, headers: Self.admin)
                #expect(revoke.status == 200)
                let revoked = try await gateway.send("/v1/chat/completions", body: Self.hello(), headers: Self.bearer(secret))
                #expect(revoked.status == 401)
                #expect(revoked.json?["error"]?["code"]?.stringValue == "revoked_api_key")
                let unknown = try await gateway.send("/admin/keys/key_nope", method: .DELETE, headers: Self.admin)
                #expect(unknown.status == 404)
            }
        }
    }

    @Test("the budget race: 200 concurrent requests against a budget that covers 50")
    func budgetRace() async throws {
        let path = Self.temporaryPath()
        try await Upstreams.with { base in
            try await GatewayHarness.with(Self.configure(base, path: path)) { gateway in
                let budget = Money(nanos: 50 * Self.helloCost, currency: .usd)
                let (id, secret) = try await Self.createKey(
                    gateway, #"{"owner":"racer","budget":{"amount":"\#(budget.amountText)","currency":"USD","period":"day"}}"#)
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<200 {
                        group.addTask {
                            try await gateway.send(
                                "/v1/chat/completions", body: Self.hello(extra: #","max_tokens":7"#), headers: Self.bearer(secret)
                            ).status
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                var served = statuses.filter { $0 == 200 }.count
                #expect(statuses.allSatisfy { $0 == 200 || $0 == 429 })
                #expect(served <= 50, "never more than the budget covers")
                #expect(served >= 1)
                // Under the burst, requests are refused while in-flight reservations (each a 73,000-nano
                // ceiling: 59 prompt-token bound × 1,000 + 7 × 2,000) hold the budget. Sent one at a time
                // afterwards, requests are served until less than one ceiling remains: 46 to 50 in all.
                while try await gateway.send(
                    "/v1/chat/completions", body: Self.hello(extra: #","max_tokens":7"#), headers: Self.bearer(secret)
                ).status == 200 {
                    served += 1
                }
                #expect((46...50).contains(served), "served \(served)")
                let detail = try await gateway.send("/admin/keys/\(id)", method: .GET, headers: Self.admin)
                let spent = try #require(detail.json?["spend"]?["spent"]?.stringValue)
                #expect(Money(spent, currency: .usd)?.nanos == Int64(served) * Self.helloCost)
                #expect(detail.json?["spend"]?["reserved"]?.stringValue == "0")
                let usage = try await gateway.send("/admin/usage?group_by=key", method: .GET, headers: Self.admin)
                #expect(usage.json?["data"]?.arrayValue?.first?["requests"]?.intValue == served)
                #expect(usage.json?["data"]?.arrayValue?.first?["cost"]?.stringValue == spent)
                let refused = try await gateway.send("/v1/chat/completions", body: Self.hello(), headers: Self.bearer(secret))
                #expect(refused.status == 429)
                #expect(refused.json?["error"]?["type"]?.stringValue == "insufficient_quota")
            }
        }
    }

    @Test("rate limits answer 429 with Retry-After")
    func rateLimit() async throws {
        try await Upstreams.with { base in
            try await GatewayHarness.with(Self.configure(base, path: Self.temporaryPath())) { gateway in
                let (_, secret) = try await Self.createKey(gateway, #"{"owner":"limited","rpm":3}"#)
                for _ in 0..<3 {
                    let reply = try await gateway.send("/v1/chat/completions", body: Self.hello(), headers: Self.bearer(secret))
                    #expect(reply.status == 200)
                }
                let limited = try await gateway.send("/v1/chat/completions", body: Self.hello(), headers: Self.bearer(secret))
                #expect(limited.status == 429)
                #expect(limited.json?["error"]?["code"]?.stringValue == "rate_limit_exceeded")
                #expect(limited.json?["error"]?["type"]?.stringValue == "requests")
                let retryAfter = try #require(limited.headers.first(name: "retry-after").flatMap(Int.init))
                #expect((1...60).contains(retryAfter))
            }
        }
    }

    @Test("usage and spend survive a restart, and streams are recorded with their cost and TTFT")
    func persistence() async throws {
        let path = Self.temporaryPath()
        let recorded: String = try await Upstreams.with { (base: GatewayConfig) async throws -> String in
            let config = Self.configure(base, path: path)
            let (secret, streamID) = try await GatewayHarness.with(config) { (gateway: GatewayHarness) async throws -> (String, String) in
                let (_, secret) = try await Self.createKey(
                    gateway, #"{"owner":"dana","budget":{"amount":"1","currency":"USD","period":"month"}}"#)
                for _ in 0..<3 {
                    let reply = try await gateway.send("/v1/chat/completions", body: Self.hello(), headers: Self.bearer(secret))
                    #expect(reply.status == 200)
                }
                let stream = try await gateway.send(
                    "/v1/chat/completions", body: Self.hello(extra: #","stream":true,"stream_options":{"include_usage":true}"#),
                    headers: Self.bearer(secret))
                #expect(stream.status == 200)
                #expect(stream.body.contains(": x-sluice-cost 0.000016 USD"))
                #expect(stream.events.last?.data == "[DONE]")
                return (secret, try #require(stream.headers.first(name: "x-sluice-request-id")))
            }
            // A new gateway on the same file sees everything the first one recorded.
            try await GatewayHarness.with(config) { gateway in
                let usage = try await gateway.send("/admin/usage?group_by=model", method: .GET, headers: Self.admin)
                let row = try #require(usage.json?["data"]?.arrayValue?.first)
                #expect(row["group"]?.stringValue == "gpt")
                #expect(row["requests"]?.intValue == 4)
                #expect(row["prompt_tokens"]?.intValue == 8)
                #expect(row["completion_tokens"]?.intValue == 28)
                #expect(row["cost"]?.stringValue == Money(nanos: 4 * Self.helloCost, currency: .usd).amountText)
                let keys = try await gateway.send("/admin/keys", method: .GET, headers: Self.admin)
                let id = try #require(keys.json?["data"]?.arrayValue?.first?["id"]?.stringValue)
                let detail = try await gateway.send("/admin/keys/\(id)", method: .GET, headers: Self.admin)
                #expect(detail.json?["spend"]?["spent"]?.stringValue == Money(nanos: 4 * Self.helloCost, currency: .usd).amountText)
                let again = try await gateway.send("/v1/chat/completions", body: Self.hello(), headers: Self.bearer(secret))
                #expect(again.status == 200)
            }
            return streamID
        }
        let store = try await SQLiteStore(path: path, baseCurrency: .usd, logger: Logger(label: "test"))
        let record = try #require(try await store.usageRecord(requestID: recorded))
        try await store.close()
        #expect(record.model == "gpt")
        #expect(record.upstream == "openai:fake-gpt")
        #expect(record.status == 200)
        #expect(record.tokens == TokenCounts(prompt: 2, completion: 7))
        #expect(record.cost == Money(nanos: Self.helloCost, currency: .usd))
        #expect(record.ttftMs != nil)
        #expect(record.owner == "dana")
    }

    @Test("the response cache answers a repeated request without an upstream call or cost")
    func responseCache() async throws {
        let recorder = RecordedRequests()
        try await Upstreams.with(recorder: recorder) { base in
            try await GatewayHarness.with(Self.configure(base, path: Self.temporaryPath())) { gateway in
                let (_, secret) = try await Self.createKey(gateway, #"{"owner":"erin","response_cache":true}"#)
                let first = try await gateway.send("/v1/chat/completions", body: Self.hello(), headers: Self.bearer(secret))
                #expect(first.status == 200)
                #expect(first.headers.first(name: "x-sluice-cache") == "miss")
                let upstreamCalls = recorder.all.count
                let second = try await gateway.send("/v1/chat/completions", body: Self.hello(), headers: Self.bearer(secret))
                #expect(second.status == 200)
                #expect(second.headers.first(name: "x-sluice-cache") == "hit")
                #expect(second.headers.first(name: "x-sluice-cost") == "0 USD")
                #expect(second.body == first.body)
                #expect(recorder.all.count == upstreamCalls, "a hit makes no upstream call")
                // A different parameter is a different request.
                let other = try await gateway.send(
                    "/v1/chat/completions", body: Self.hello(extra: #","temperature":0.5"#), headers: Self.bearer(secret))
                #expect(other.headers.first(name: "x-sluice-cache") == "miss")
                // Opting out per request.
                let optOut = try await gateway.send(
                    "/v1/chat/completions", body: Self.hello(extra: #","sluice":{"cache":false}"#), headers: Self.bearer(secret))
                #expect(optOut.headers.first(name: "x-sluice-cache") == nil)
                let usage = try await gateway.send("/admin/usage?group_by=owner", method: .GET, headers: Self.admin)
                #expect(usage.json?["data"]?.arrayValue?.first?["cache_hits"]?.intValue == 1)
                #expect(usage.json?["data"]?.arrayValue?.first?["requests"]?.intValue == 4)
            }
        }
    }

    @Test("Anthropic clients authenticate with x-api-key and get the cost header")
    func anthropicIngress() async throws {
        try await Upstreams.with { base in
            try await GatewayHarness.with(Self.configure(base, path: Self.temporaryPath())) { gateway in
                let (_, secret) = try await Self.createKey(gateway, #"{"owner":"frank"}"#)
                let body = #"{"model":"gpt","max_tokens":50,"messages":[{"role":"user","content":"hello there"}]}"#
                let reply = try await gateway.send("/v1/messages", body: body, headers: [("x-api-key", secret)])
                #expect(reply.status == 200, "\(reply.body)")
                #expect(reply.headers.first(name: "x-sluice-cost") == "0.000016 USD")
                let refused = try await gateway.send("/v1/messages", body: body, headers: [("x-api-key", "wrong")])
                #expect(refused.status == 401)
                #expect(refused.json?["type"]?.stringValue == "error", "Anthropic error shape")
            }
        }
    }

    @Test("an upstream error costs nothing; a caller who leaves mid-stream is charged the reservation ceiling")
    func failuresAndDisconnects() async throws {
        try await Upstreams.with { base in
            try await GatewayHarness.with(Self.configure(base, path: Self.temporaryPath())) { gateway in
                let (id, secret) = try await Self.createKey(
                    gateway, #"{"owner":"gina","budget":{"amount":"1","currency":"USD","period":"day"}}"#)
                let failed = try await gateway.send(
                    "/v1/chat/completions",
                    body: #"{"model":"gpt","max_tokens":7,"messages":[{"role":"user","content":"error:500"}]}"#,
                    headers: Self.bearer(secret))
                #expect(failed.status >= 500)
                var detail = try await gateway.send("/admin/keys/\(id)", method: .GET, headers: Self.admin)
                #expect(detail.json?["spend"]?["spent"]?.stringValue == "0")
                #expect(detail.json?["spend"]?["reserved"]?.stringValue == "0")

                var request = HTTPClientRequest(url: gateway.base + "/v1/chat/completions")
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                request.headers.add(name: "authorization", value: "Bearer \(secret)")
                let content = "slow: please"
                request.body = .bytes(ByteBuffer(string: #"{"model":"gpt","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"\#(content)"}]}"#))
                let response = try await gateway.client.execute(request, timeout: .seconds(30))
                for try await part in response.body where String(buffer: part).contains("tick 2") { break }
                // Ceiling: (32 + 16 + 12 bytes) × 1,000 + 100 × 2,000 nanos.
                let ceiling = Money(nanos: 60 * 1_000 + 100 * 2_000, currency: .usd)
                var spent: String?
                for _ in 0..<100 {
                    detail = try await gateway.send("/admin/keys/\(id)", method: .GET, headers: Self.admin)
                    spent = detail.json?["spend"]?["spent"]?.stringValue
                    if spent != "0" { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(spent == ceiling.amountText)
                #expect(detail.json?["spend"]?["reserved"]?.stringValue == "0")
                let usage = try await gateway.send("/admin/usage?group_by=key", method: .GET, headers: Self.admin)
                let row = usage.json?["data"]?.arrayValue?.first
                #expect(row?["requests"]?.intValue == 2)
                #expect(row?["errors"]?.intValue == 2, "the 5xx and the 499")
            }
        }
    }

    @Test("usage reports group by day, model and owner, filter by time, and refuse bad parameters")
    func usageReports() async throws {
        try await Upstreams.with { base in
            try await GatewayHarness.with(Self.configure(base, path: Self.temporaryPath())) { gateway in
                let (id, secret) = try await Self.createKey(gateway, #"{"owner":"hank"}"#)
                for model in ["gpt", "gpt", "claude"] {
                    let reply = try await gateway.send("/v1/chat/completions", body: Self.hello(model), headers: Self.bearer(secret))
                    #expect(reply.status == 200)
                }
                let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
                let byDay = try await gateway.send("/admin/usage?group_by=day", method: .GET, headers: Self.admin)
                #expect(byDay.json?["data"]?.arrayValue?.first?["group"]?.stringValue == today)
                #expect(byDay.json?["data"]?.arrayValue?.first?["requests"]?.intValue == 3)
                #expect(byDay.json?["currency"]?.stringValue == "USD")
                let byModel = try await gateway.send("/admin/usage?group_by=model&key=\(id)", method: .GET, headers: Self.admin)
                let rows = byModel.json?["data"]?.arrayValue ?? []
                #expect(rows.count == 2)
                // Largest cost first: gpt is priced, claude is not.
                #expect(rows.first?["group"]?.stringValue == "gpt")
                #expect(rows.first?["cost"]?.stringValue == Money(nanos: 2 * Self.helloCost, currency: .usd).amountText)
                #expect(rows.last?["cost"]?.stringValue == "0")
                let future = try await gateway.send("/admin/usage?group_by=owner&since=2999-01-01", method: .GET, headers: Self.admin)
                #expect(future.json?["data"]?.arrayValue?.isEmpty == true)
                let bad = try await gateway.send("/admin/usage?group_by=colour", method: .GET, headers: Self.admin)
                #expect(bad.status == 400)
                #expect(bad.json?["error"]?["message"]?.stringValue?.contains("group_by") == true)
                let badDate = try await gateway.send("/admin/usage?since=yesterday", method: .GET, headers: Self.admin)
                #expect(badDate.status == 400)
                let missing = try await gateway.send("/admin/keys/key_missing", method: .GET, headers: Self.admin)
                #expect(missing.status == 404)
            }
        }
    }
}
