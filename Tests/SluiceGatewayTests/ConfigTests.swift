import SluiceGateway
import SluiceLedger
import SluiceProviders
import Testing

/// `sluice.yaml` parsing: good files load; bad ones fail naming the line and the problem.
@Suite("Config")
struct ConfigTests {
    let environment = ["DS_KEY": "sk-test", "ANTHROPIC_KEY": "ak-test", "ADMIN": "admin-key-0123456789"]

    @Test("a full config loads")
    func loads() throws {
        let yaml = """
            server:
              host: 0.0.0.0
              port: 9000
              max_body_bytes: 2048
            ledger:
              path: /tmp/sluice-config-test.sqlite
              retention_days: 30
              commit_delay_ms: 0.5
              exchange_rates: {CNY: 7.1}
              response_cache: {max_bytes: 1000000, ttl_seconds: 60}
            auth:
              admin_key: env:ADMIN
            models:
              - name: ds
                backend: openai
                model: deepseek-chat
                base_url: https://api.deepseek.com/v1
                api_key: env:DS_KEY
                headers: {X-Title: demo}
                extra_body: {enable_thinking: false, top_k: 20}
                timeouts: {connect: 3, first_byte: 30.5}
                price:
                  input: 2
                  cached_input: 0.5
                  output: 8
                  currency: cny
                  off_peak: [{start: "16:30", end: "00:30", discount: 50%}]
                max_output_tokens: 8192
                capacity: 64
                tags: [cheap, zh]
              - name: claude
                backend: anthropic
                model: claude-sonnet-4-5
                api_key: env:ANTHROPIC_KEY
            """
        let config = try GatewayConfig.parse(yaml: yaml, source: "sluice.yaml", environment: environment)
        #expect(config.server.host == "0.0.0.0")
        #expect(config.server.port == 9000)
        #expect(config.server.maxBodyBytes == 2048)
        #expect(config.models.count == 2)
        let ds = config.models[0]
        #expect(ds.endpoint.upstreamModel == "deepseek-chat")
        #expect(ds.endpoint.apiKey == "sk-test")
        #expect(ds.endpoint.headers == ["X-Title": "demo"])
        #expect(ds.endpoint.extraBody["enable_thinking"] == .bool(false))
        #expect(ds.endpoint.extraBody["top_k"] == .int(20))
        #expect(ds.endpoint.timeouts.connect == 3)
        #expect(ds.endpoint.timeouts.firstByte == 30.5)
        #expect(
            ds.price == ModelPrice(
                currency: .cny, input: 2_000_000_000, cachedInput: 500_000_000, output: 8_000_000_000,
                offPeak: [try OffPeakWindow(startMinute: 990, endMinute: 30, discountBasisPoints: 5000)]))
        #expect(ds.maxOutputTokens == 8192)
        #expect(config.ledger.location == .sqlite(path: "/tmp/sluice-config-test.sqlite"))
        #expect(config.ledger.retentionDays == 30)
        #expect(config.ledger.commitDelayMilliseconds == 0.5)
        #expect(config.ledger.exchangeRates.nanosPerBase[.cny] == 7_100_000_000)
        #expect(config.ledger.responseCache == ResponseCacheConfig(maxBytes: 1_000_000, ttlSeconds: 60))
        #expect(config.auth.adminKey == "admin-key-0123456789")
        #expect(config.auth.keysRequired)
        #expect(ds.capacity == 64)
        #expect(ds.tags == ["cheap", "zh"])
        #expect(ds.line == 14)
        #expect(config.models[1].endpoint.baseURL == "https://api.anthropic.com")
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var line: Int?
        var fragment: String
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "unknown key", yaml: "models:\n  - name: a\n    backend: openai\n    bse_url: http://x\n", line: 4, fragment: "unknown key 'bse_url'"),
        Bad(name: "unknown backend", yaml: "models:\n  - name: a\n    backend: cohere\n", line: 3, fragment: "unknown backend 'cohere'"),
        Bad(name: "literal key refused", yaml: "models:\n  - name: a\n    backend: openai\n    base_url: http://x\n    api_key: sk-123\n", line: 5, fragment: "env:NAME"),
        Bad(name: "missing env var", yaml: "models:\n  - name: a\n    backend: openai\n    base_url: http://x\n    api_key: env:NOPE\n", line: 5, fragment: "NOPE, which is not set"),
        Bad(name: "duplicate names", yaml: "models:\n  - name: a\n    backend: anthropic\n  - name: a\n    backend: gemini\n", line: 4, fragment: "duplicate model name 'a'"),
        Bad(name: "port out of range", yaml: "server:\n  port: 70000\n", line: 2, fragment: "between 0 and 65535"),
        Bad(name: "port not a number", yaml: "server:\n  port: eighty\n", line: 2, fragment: "must be an integer"),
        Bad(name: "invalid YAML", yaml: "models:\n  - name: a\n   backend: [openai\n", line: nil, fragment: "invalid YAML"),
        Bad(name: "openai without base_url", yaml: "models:\n  - name: a\n    backend: openai\n", line: 2, fragment: "needs a 'base_url'"),
        Bad(name: "local without path", yaml: "models:\n  - name: a\n    backend: local\n", line: 2, fragment: "needs a 'path'"),
        Bad(name: "models not a list", yaml: "models:\n  name: a\n", line: 2, fragment: "must be a list"),
        Bad(name: "currency without a rate", yaml: "models:\n  - name: a\n    backend: gemini\n    price: {input: 1, output: 2, currency: EUR}\n", line: 2, fragment: "no rate for it"),
        Bad(name: "off-peak time out of range", yaml: "models:\n  - name: a\n    backend: gemini\n    price:\n      input: 1\n      output: 2\n      off_peak: [{start: \"25:00\", end: \"01:00\", discount: 50}]\n", line: 7, fragment: "HH:MM"),
        Bad(name: "off-peak discount over 100%", yaml: "models:\n  - name: a\n    backend: gemini\n    price:\n      input: 1\n      output: 2\n      off_peak: [{start: \"16:30\", end: \"00:30\", discount: 150}]\n", line: 7, fragment: "between 0% and 100%"),
        Bad(name: "price with too many decimals", yaml: "models:\n  - name: a\n    backend: gemini\n    price: {input: 0.0000000001, output: 2}\n", line: 4, fragment: "at most 9 fraction digits"),
        Bad(name: "negative price", yaml: "models:\n  - name: a\n    backend: gemini\n    price: {input: -1, output: 2}\n", line: 4, fragment: "non-negative"),
        Bad(name: "literal admin key refused", yaml: "auth:\n  admin_key: hunter2hunter2hunter2\n", line: 2, fragment: "env:NAME"),
        Bad(name: "unknown ledger store", yaml: "ledger:\n  store: mysql\n", line: 2, fragment: "sqlite, postgres or off"),
        Bad(name: "postgres without url", yaml: "ledger:\n  store: postgres\n", line: 2, fragment: "needs 'url"),
        Bad(name: "negative commit delay", yaml: "ledger:\n  commit_delay_ms: -1\n", line: 2, fragment: "between 0 and 1000"),
        Bad(name: "bad exchange rate", yaml: "ledger:\n  exchange_rates: {CNY: -7}\n", line: 2, fragment: "positive decimal"),
        Bad(name: "unknown top-level key", yaml: "modles: []\n", line: 1, fragment: "unknown key 'modles'"),
    ]

    @Test("bad configs name the line and the problem", arguments: bad)
    func badConfig(_ bad: Bad) {
        do {
            _ = try GatewayConfig.parse(yaml: bad.yaml, source: "sluice.yaml", environment: environment)
            Issue.record("\(bad.name) was accepted")
        } catch {
            #expect(error.description.contains(bad.fragment), "\(error)")
            if let line = bad.line {
                #expect(error.line == line, "\(error)")
                #expect(error.description.hasPrefix("sluice.yaml:\(line): "))
            } else {
                #expect(error.line != nil || error.description.contains("invalid YAML"))
            }
        }
    }

    @Test("command-line models and keys")
    func commandLine() throws {
        var config = GatewayConfig()
        try config.addCommandLineModels(
            ["ds=openai:https://api.deepseek.com/v1,model=deepseek-chat", "c=anthropic:https://api.anthropic.com", "l=local:/m/x.gguf"],
            keys: ["ds=DS_KEY"], environment: environment)
        #expect(config.models.map(\.name) == ["ds", "c", "l"])
        #expect(config.models[0].endpoint.upstreamModel == "deepseek-chat")
        #expect(config.models[0].endpoint.apiKey == "sk-test")
        #expect(config.models[1].endpoint.kind == .anthropic)
        #expect(config.models[2].endpoint.modelPath == "/m/x.gguf")
        #expect(throws: ConfigError.self) { try config.addCommandLineModels(["bad"], keys: [], environment: [:]) }
        #expect(throws: ConfigError.self) { try config.addCommandLineModels(["x=cohere:http://a"], keys: [], environment: [:]) }
        #expect(throws: ConfigError.self) { try config.addCommandLineModels(["x=openai:ftp://a"], keys: [], environment: [:]) }
        #expect(throws: ConfigError.self) { try config.addCommandLineModels([], keys: ["ghost=K"], environment: [:]) }
        #expect(throws: ConfigError.self) { try config.addCommandLineModels(["y=openai:http://a"], keys: ["y=MISSING"], environment: [:]) }
    }
}
