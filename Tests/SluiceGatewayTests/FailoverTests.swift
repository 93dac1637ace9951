import Foundation
import SluiceAPI
import SluiceGateway
import SluiceProviders
import SluiceTesting
import Testing

/// Fault-injecting upstreams behind a fallback chain: for each fault, the client sees the documented
/// behaviour, and a fallback answers whenever one exists.
@Suite("Fallbacks, retries and breakers against failing upstreams")
struct FailoverTests {
    static func body(_ model: String, _ text: String = "hello", stream: Bool = false) -> String {
        #"{"model":"\#(model)","messages":[{"role":"user","content":"\#(text)"}]\#(stream ? #","stream":true"# : "")}"#
    }

    /// The first-byte timeout of the models on fake 0 in the timeout tests.
    static let shortFirstByte = 1.5

    /// Model `primary` on fake 0 (or the refusing port), falling back to `backup` on fake 1; `alone`
    /// is on fake 0 without a fallback. `firstByte` is the first-byte timeout of the two on fake 0.
    static func config(
        _ upstreams: FaultyUpstreams, primaryOn index: Int? = 0,
        retry: RetryConfig = RetryConfig(attempts: 2, baseDelay: 0.01, maxDelay: 0.05, maxRetryAfter: 5),
        firstByte: Double = 15
    ) -> GatewayConfig {
        let timeouts = Timeouts(connect: 5, firstByte: firstByte, total: 30)
        var primary = upstreams.model("primary", on: index, timeouts: timeouts)
        primary.fallbacks = ["backup"]
        var config = GatewayConfig(models: [
            primary, upstreams.model("backup", on: 1), upstreams.model("alone", on: 0, timeouts: timeouts),
        ])
        config.routing.retry = retry
        config.routing.breaker = BreakerConfig(window: 30, minimumRequests: 100, failureRate: 1, openSeconds: 30)
        return config
    }

    /// The text of a streamed answer, and whether it ended with `[DONE]`.
    static func streamed(_ reply: GatewayHarness.Reply) throws -> (text: String, done: Bool, errors: [JSONValue]) {
        var text = ""
        var errors: [JSONValue] = []
        for event in reply.events where event.data != "[DONE]" {
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(event.data.utf8))
            if let error = json["error"] { errors.append(error); continue }
            let chunk = try JSONDecoder().decode(ChatChunk.self, from: Data(event.data.utf8))
            text += chunk.choices.first?.delta.content ?? ""
        }
        return (text, reply.events.last?.data == "[DONE]", errors)
    }

    @Test("a refused connection falls back", arguments: [false, true])
    func refused(stream: Bool) async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            try await GatewayHarness.with(Self.config(upstreams, primaryOn: nil)) { gateway in
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body("primary", stream: stream))
                #expect(reply.status == 200, "\(reply.body)")
                #expect(reply.headers.first(name: "x-sluice-model") == "backup")
                let reason = reply.headers.first(name: "x-sluice-route-reason") ?? ""
                #expect(reason.hasPrefix("requested") && reason.contains("failed:primary(upstream_unreachable)") && reason.contains("fallback:backup"), "\(reason)")
                if stream {
                    let (text, done, errors) = try Self.streamed(reply)
                    #expect(text == "Echo: hello" && done && errors.isEmpty)
                }
                #expect(upstreams.plans[1].hits == 1)
            }
        }
    }

    @Test("a hung upstream times out at the first-byte deadline and falls back", arguments: [false, true])
    func hang(stream: Bool) async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            upstreams.plans[0].set(.hang)
            let config = Self.config(upstreams, retry: RetryConfig(attempts: 1), firstByte: Self.shortFirstByte)
            try await GatewayHarness.with(config) { gateway in
                let started = ContinuousClock.now
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body("primary", stream: stream))
                let elapsed = ContinuousClock.now - started
                #expect(reply.status == 200, "\(reply.body)")
                #expect(reply.headers.first(name: "x-sluice-model") == "backup")
                #expect(reply.headers.first(name: "x-sluice-route-reason")?.contains("failed:primary(upstream_timeout)") == true)
                #expect(elapsed >= .seconds(Self.shortFirstByte), "waited \(elapsed)")
                // Without a fallback, the caller gets a 504 in the OpenAI shape.
                let alone = try await gateway.send("/v1/chat/completions", body: Self.body("alone", stream: stream))
                #expect(alone.status == 504)
                #expect(alone.json?["error"]?["code"]?.stringValue == "upstream_timeout")
                #expect(alone.headers.first(name: "x-sluice-route-reason") == "requested; failed:alone(upstream_timeout)")
            }
        }
    }

    @Test("a stream whose first byte is late falls back silently")
    func slowFirstByte() async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            upstreams.plans[0].set(.slowFirstByte(.seconds(8)))
            let config = Self.config(upstreams, retry: RetryConfig(attempts: 1), firstByte: Self.shortFirstByte)
            try await GatewayHarness.with(config) { gateway in
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body("primary", stream: true))
                #expect(reply.status == 200)
                #expect(reply.headers.first(name: "x-sluice-model") == "backup")
                let (text, done, errors) = try Self.streamed(reply)
                #expect(text == "Echo: hello" && done && errors.isEmpty, "\(reply.body)")
            }
        }
    }

    @Test("429 with a short Retry-After is retried on the same upstream after waiting it out")
    func retryAfterHonoured() async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            upstreams.plans[0].queue([.status(429, retryAfter: "1")])
            try await GatewayHarness.with(Self.config(upstreams)) { gateway in
                let started = ContinuousClock.now
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body("primary"))
                #expect(reply.status == 200, "\(reply.body)")
                #expect(reply.headers.first(name: "x-sluice-model") == "primary")
                #expect(ContinuousClock.now - started >= .seconds(1))
                #expect(upstreams.plans[0].hits == 2 && upstreams.plans[1].hits == 0)
            }
        }
    }

    @Test("429 with a long Retry-After goes straight to the fallback")
    func longRetryAfter() async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            upstreams.plans[0].set(.status(429, retryAfter: "30"))
            try await GatewayHarness.with(Self.config(upstreams)) { gateway in
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body("primary"))
                #expect(reply.status == 200)
                #expect(reply.headers.first(name: "x-sluice-model") == "backup")
                #expect(upstreams.plans[0].hits == 1, "not retried: 30 s is over max_retry_after")
                // Alone, the caller gets the upstream's 429 with its Retry-After.
                let alone = try await gateway.send("/v1/chat/completions", body: Self.body("alone"))
                #expect(alone.status == 429)
                #expect(alone.headers.first(name: "retry-after") == "30")
            }
        }
    }

    @Test("500s are retried with backoff, then the fallback answers", arguments: [false, true])
    func serverErrors(stream: Bool) async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            upstreams.plans[0].set(.status(500))
            try await GatewayHarness.with(Self.config(upstreams, retry: RetryConfig(attempts: 3, baseDelay: 0.01, maxDelay: 0.05))) { gateway in
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body("primary", stream: stream))
                #expect(reply.status == 200)
                #expect(reply.headers.first(name: "x-sluice-model") == "backup")
                #expect(upstreams.plans[0].hits == 3, "three attempts at the primary")
                #expect(reply.headers.first(name: "x-sluice-route-reason")?.contains("failed:primary(") == true)
            }
        }
    }

    @Test("a 400 from the upstream is the caller's fault: no retry, no fallback")
    func badRequestIsFinal() async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            upstreams.plans[0].set(.status(400))
            try await GatewayHarness.with(Self.config(upstreams)) { gateway in
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body("primary"))
                #expect(reply.status == 400)
                #expect(upstreams.plans[0].hits == 1 && upstreams.plans[1].hits == 0)
            }
        }
    }

    @Test("a stream cut after its first byte ends with a well-formed error event")
    func cutMidStream() async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            upstreams.plans[0].set(.cutMidStream)
            try await GatewayHarness.with(Self.config(upstreams)) { gateway in
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body("primary", stream: true))
                #expect(reply.status == 200)
                #expect(reply.headers.first(name: "x-sluice-model") == "primary")
                let (_, done, errors) = try Self.streamed(reply)
                #expect(!done)
                #expect(errors.count == 1)
                #expect(errors.first?["type"]?.stringValue == "upstream_error")
                #expect(errors.first?["message"]?.stringValue?.contains("primary") == true)
                #expect(upstreams.plans[1].hits == 0, "bytes were already sent: no silent fallback")
            }
        }
    }

    @Test("a stream that runs past its total timeout ends with a timeout error event")
    func streamTotalTimeout() async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            var slow = upstreams.model("slow", on: 0, timeouts: Timeouts(connect: 5, firstByte: 15, total: 1.5))
            slow.fallbacks = ["backup"]
            try await GatewayHarness.with(GatewayConfig(models: [slow, upstreams.model("backup", on: 1)])) { gateway in
                // The fake's `slow:` stream sends 200 pieces 20 ms apart: about 4 s in all.
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body("slow", "slow: take your time", stream: true))
                #expect(reply.status == 200)
                let (text, done, errors) = try Self.streamed(reply)
                #expect(!text.isEmpty, "the first pieces arrived")
                #expect(!done)
                #expect(errors.first?["code"]?.stringValue == "upstream_timeout", "\(errors)")
                #expect(upstreams.plans[1].hits == 0)
            }
        }
    }

    @Test("an open breaker stops traffic to the failing upstream")
    func breakerOpens() async throws {
        try await FaultyUpstreams.with(count: 2) { upstreams in
            upstreams.plans[0].set(.status(503))
            var config = Self.config(upstreams, retry: RetryConfig(attempts: 1))
            config.routing.breaker = BreakerConfig(window: 30, minimumRequests: 3, failureRate: 0.5, openSeconds: 60)
            try await GatewayHarness.with(config) { gateway in
                for _ in 0..<8 {
                    let reply = try await gateway.send("/v1/chat/completions", body: Self.body("primary"))
                    #expect(reply.status == 200)
                    #expect(reply.headers.first(name: "x-sluice-model") == "backup")
                }
                #expect(upstreams.plans[0].hits == 3, "the breaker opened after 3 failures")
                let reply = try await gateway.send("/v1/chat/completions", body: Self.body("primary"))
                #expect(reply.headers.first(name: "x-sluice-route-reason")?.contains("skipped:primary(breaker-open)") == true)
            }
        }
    }
}
