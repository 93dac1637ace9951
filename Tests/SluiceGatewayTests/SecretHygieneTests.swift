import Foundation
import Logging
import SluiceGateway
@testable import SluiceLedger
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

    @Test("virtual keys and the admin key never reach the logs or the store in the clear")
    func virtualKeysNotLogged() async throws {
        let store = CapturingLogHandler.Store()
        let logger = {
            var logger = Logger(label: "sluice.capture") { _ in CapturingLogHandler(store: store) }
            logger.logLevel = .trace
            return logger
        }()
        let path = LedgerGatewayTests.temporaryPath()
        try await Upstreams.with { base in
            try await GatewayHarness.with(LedgerGatewayTests.configure(base, path: path), logger: logger) { gateway in
                let (_, secret) = try await LedgerGatewayTests.createKey(gateway, #"{"owner":"hygiene","rpm":1}"#)
                for _ in 0..<2 {
                    _ = try await gateway.send("/v1/chat/completions", body: LedgerGatewayTests.hello(), headers: LedgerGatewayTests.bearer(secret))
                }
                _ = try await gateway.send("/admin/keys", method: .GET, headers: LedgerGatewayTests.admin)
                let lines = store.all
                #expect(lines.count >= 3, "requests were logged")
                for leaked in [secret, LedgerGatewayTests.adminKey] {
                    #expect(!lines.contains { $0.contains(leaked) }, "a key leaked into the logs")
                }
                // The database file holds only the hash.
                let files = [path + "-wal"] + UsageJournal.paths(databasePath: path)
                let bytes = try files.reduce(Data(contentsOf: URL(fileURLWithPath: path))) { bytes, file in
                    bytes + ((try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data())
                }
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "the secret is in the database file")
                #expect(bytes.range(of: Data(KeySecret.hash(secret).utf8)) != nil, "the hash is")
            }
        }
    }
}
