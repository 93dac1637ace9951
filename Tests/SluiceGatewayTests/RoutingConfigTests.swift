import SluiceGateway
import SluiceProviders
import SluiceRouting
import Testing

/// The `routes`, `tiers` and `routing` sections of `sluice.yaml`.
@Suite("Routing config")
struct RoutingConfigTests {
    static let models = """
        models:
          - name: claude
            backend: anthropic
          - name: qwen
            backend: openai
            base_url: http://a/v1
            capacity: 8
            tokens_per_minute: 100000
            max_queue: 4
            fallbacks: [claude]
            balance: latency
            affinity: prefix
            weight: 2
            replicas:
              - {base_url: "http://b/v1", weight: 3, capacity: 2}
          - name: cheap
            backend: gemini

        """

    @Test func loadsRoutesTiersAndRouting() throws {
        let yaml = Self.models + """
            routing:
              retries: {attempts: 3, base_delay: 0.2, max_delay: 1, max_retry_after: 4}
              breaker: {window: 20, min_requests: 4, failure_rate: 0.25, open_seconds: 5}
              trust_tier_header: true
            tiers:
              paid: {priority: 10, queue_timeout: 5}
              free: {priority: 0, queue_timeout: 0.5, max_share: 0.5, on_overload: {downgrade: cheap}}
              trial: {on_overload: shed}
            routes:
              - name: auto
                rules:
                  - name: free-long-chat
                    when: {tier: free, conversation_tokens: ">8000"}
                    use: cheap
                  - name: tools
                    when: {tools: true, turns: {min: 1, max: 3}, tags: [team:a]}
                    use: qwen
                discriminator: {model: /tmp/router.json, strong: claude, weak: qwen}
                default: qwen
                fallbacks: [claude, cheap]
            """
        let config = try GatewayConfig.parse(yaml: yaml, source: "sluice.yaml", environment: [:])
        let routing = config.routing
        #expect(routing.retry == RetryConfig(attempts: 3, baseDelay: 0.2, maxDelay: 1, maxRetryAfter: 4))
        #expect(routing.breaker == BreakerConfig(window: 20, minimumRequests: 4, failureRate: 0.25, openSeconds: 5))
        #expect(routing.trustTierHeader)
        #expect(routing.tiers["paid"] == TierConfig(priority: 10, queueTimeout: 5))
        #expect(routing.tiers["free"] == TierConfig(priority: 0, queueTimeout: 0.5, maxShare: 0.5, downgradeRoute: "cheap"))
        #expect(routing.tiers["trial"]?.downgradeRoute == nil)
        let route = try #require(routing.routes.first)
        #expect(route.name == "auto" && route.defaultModel == "qwen" && route.fallbacks == ["claude", "cheap"])
        #expect(route.discriminator == DiscriminatorConfig(path: "/tmp/router.json", strong: "claude", weak: "qwen"))
        #expect(route.rules.map(\.name) == ["free-long-chat", "tools"])
        #expect(route.rules[0].conditions.contains(.tier(["free"])))
        #expect(route.rules[0].conditions.contains(.number(.conversationTokens, (8000.0).nextUp...Double.infinity)))
        #expect(route.rules[1].conditions.contains(.number(.turns, 1...3)))
        #expect(route.rules[1].conditions.contains(.flag(.tools, true)))
        #expect(route.rules[1].conditions.contains(.tags(["team:a"])))
        let qwen = config.models[1]
        #expect(qwen.capacity == 8 && qwen.tokensPerMinute == 100_000 && qwen.maxQueue == 4)
        #expect(qwen.fallbacks == ["claude"] && qwen.balance == .latency && qwen.prefixAffinity && qwen.weight == 2)
        #expect(qwen.replicas == [ReplicaConfig(baseURL: "http://b/v1", weight: 3, capacity: 2)])
    }

    static let bad: [ConfigTests.Bad] = [
        .init(name: "route names an unknown model", yaml: models + "routes:\n  - name: auto\n    default: gpt-9\n", line: 19, fragment: "names model 'gpt-9'"),
        .init(name: "route clashes with a model", yaml: models + "routes:\n  - name: qwen\n    default: claude\n", line: 19, fragment: "same name as a model"),
        .init(name: "route without default", yaml: models + "routes:\n  - name: auto\n", line: 19, fragment: "needs a 'default'"),
        .init(name: "unknown condition", yaml: models + "routes:\n  - name: auto\n    default: qwen\n    rules:\n      - {name: r, use: qwen, when: {colour: red}}\n", line: 22, fragment: "unknown key 'colour'"),
        .init(name: "bad comparison", yaml: models + "routes:\n  - name: auto\n    default: qwen\n    rules:\n      - {name: r, use: qwen, when: {turns: lots}}\n", line: 22, fragment: "comparison"),
        .init(name: "bad overload action", yaml: models + "tiers:\n  free: {on_overload: panic}\n", line: 19, fragment: "'shed' or {downgrade"),
        .init(name: "downgrade to nowhere", yaml: models + "tiers:\n  free: {on_overload: {downgrade: nowhere}}\n", line: nil, fragment: "neither a route nor a model"),
        .init(name: "unknown fallback", yaml: "models:\n  - name: a\n    backend: gemini\n    fallbacks: [b]\n", line: 2, fragment: "fallback 'b'"),
        .init(name: "max_share out of range", yaml: models + "tiers:\n  free: {max_share: 2}\n", line: 19, fragment: "max_share"),
        .init(name: "unknown balance", yaml: "models:\n  - name: a\n    backend: gemini\n    balance: random\n", line: 4, fragment: "balance must be one of"),
        .init(name: "zero attempts", yaml: "routing:\n  retries: {attempts: 0}\n", line: 2, fragment: "at least 1"),
    ]

    @Test("bad routing configs name the line and the problem", arguments: bad)
    func badConfig(_ bad: ConfigTests.Bad) {
        do {
            _ = try GatewayConfig.parse(yaml: bad.yaml, source: "sluice.yaml", environment: [:])
            Issue.record("\(bad.name) was accepted")
        } catch {
            #expect(error.description.contains(bad.fragment), "\(error)")
            if let line = bad.line { #expect(error.line == line, "\(error)") }
        }
    }
}
