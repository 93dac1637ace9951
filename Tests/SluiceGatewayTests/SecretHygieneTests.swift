import Foundation
import Logging
import SluiceGateway
import SluiceTesting
import Testing

/// Upstream keys and client credentials never reach the logs, even at trace level.
@Suite("Secret hygiene")
struct SecretHygieneTests {
    @Test("no key appears in any log line")
    func keysNotLogged() async throws {
        let store = CapturingLogHandler.Store()
        let logger = Logger(label: "sluice.capture") { _ in CapturingLogHandler(store: store) }
        try await Upstreams.with { config in
            try await GatewayHarness.with(config, logger: logger) { gateway in
                let clientKey = "sk-client-secret-123"
                for (model, text) in [("gpt", "hi"), ("claude", "error:429"), ("gemini", "error:500"), ("gpt", "midfail: x")] {
                    _ = try await gateway.send(
                        "/v1/chat/completions",
                        body: #"{"model":"\#(model)","stream":\#(text.hasPrefix("midfail")),"messages":[{"role":"user","content":"\#(text)"}]}"#,
                        headers: [("authorization", "Bearer \(clientKey)")])
                }
                let lines = store.all
                #expect(lines.count >= 4, "requests were logged")
                for secret in [FakeOpenAI.apiKey, "test-anthropic-key", "test-gemini-key", clientKey] {
                    #expect(!lines.contains { $0.contains(secret) }, "\(secret) leaked into the logs")
                }
            }
        }
    }
}
