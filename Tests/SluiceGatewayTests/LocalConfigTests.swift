import SluiceGateway
import SluiceProviders
import Testing

/// The `local:` options of a model served by the built-in engine.
@Suite("Local model config")
struct LocalConfigTests {
    @Test("local options load, and defaults apply when absent")
    func loads() throws {
        let yaml = """
            models:
              - name: small
                backend: local
                path: /models/a.gguf
                local:
                  parallel: 4
                  max_waiting: 0
                  queue_timeout: 2.5
                  context_length: 4096
                  cache_mib: 256
                  prefill_chunk: 128
                  prefix_cache: false
                  chat_template: "{{ messages[0].content }}"
              - name: plain
                backend: local
                path: /models/b.gguf
            """
        let config = try GatewayConfig.parse(yaml: yaml, source: "sluice.yaml", environment: [:])
        let local = config.models[0].endpoint.local
        #expect(local == LocalOptions(
            parallel: 4, maxWaiting: 0, queueTimeout: 2.5, contextLength: 4096, cacheMiB: 256, prefillChunk: 128,
            chatTemplate: "{{ messages[0].content }}", prefixCache: false))
        #expect(config.models[1].endpoint.local == LocalOptions())
        #expect(LocalOptions().parallel == 8)
        #expect(LocalOptions().prefixCache)
    }

    @Test("bad local options name the line", arguments: [
        ("    local: {parallel: 0}\n", 4, "local.parallel must be at least 1"),
        ("    local: {parallel: 65}\n", 4, "at most 64"),
        ("    local: {max_waiting: -1}\n", 4, "0 or more"),
        ("    local: {queue_timeout: 0}\n", 4, "positive number of seconds"),
        ("    local: {cache_mib: 0}\n", 4, "local.cache_mib must be at least 1"),
        ("    local: {paralel: 2}\n", 4, "unknown key 'paralel'"),
        ("    local: {prefix_cache: maybe}\n", 4, "prefix_cache"),
    ])
    func bad(_ line: String, _ number: Int, _ fragment: String) {
        let yaml = "models:\n  - name: a\n    backend: local\n" + line + "    path: /m.gguf\n"
        do {
            _ = try GatewayConfig.parse(yaml: yaml, source: "sluice.yaml", environment: [:])
            Issue.record("accepted: \(line)")
        } catch {
            #expect(error.description.contains(fragment), "\(error)")
            #expect(error.line == number, "\(error)")
        }
    }

    @Test("local options on a cloud model are refused")
    func cloud() {
        let yaml = "models:\n  - name: a\n    backend: gemini\n    local: {parallel: 2}\n"
        #expect(throws: ConfigError.self) { try GatewayConfig.parse(yaml: yaml, source: "sluice.yaml", environment: [:]) }
    }
}
