import Foundation
import Testing

@testable import SluiceEngine

/// Shared inputs for the text-side tests: the llama.cpp reference fixture and the default model's tokenizer.
enum TextFixtures {
    struct TokenizeCase: Decodable, Sendable {
        let text: String
        let ids: [Int32]
    }

    struct ChatMessage: Decodable, Sendable {
        let role: String
        let content: String
    }

    struct ChatCase: Decodable, Sendable {
        let messages: [ChatMessage]
        let prompt: String
        let promptIDs: [Int32]

        enum CodingKeys: String, CodingKey {
            case messages, prompt
            case promptIDs = "prompt_ids"
        }
    }

    struct Reference: Decodable, Sendable {
        let tokenize: [TokenizeCase]
        let chat: [ChatCase]
    }

    /// `../shared/fixtures/` next to the repository root (three levels above this file).
    static let fixturesDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/fixtures", isDirectory: true).standardizedFileURL

    static func reference() throws -> Reference {
        let data: Data = try Data(contentsOf: fixturesDirectory.appendingPathComponent("smollm2-135m-q4_1.reference.json"))
        return try JSONDecoder().decode(Reference.self, from: data)
    }

    /// The default model's GGUF, fetched into the user's cache on first use.
    static func modelPath() async throws -> URL {
        try await ModelFetcher().ensureDefaultModel { (_: String) in }
    }

    /// The default model's tokenizer, loaded once per test process.
    static func tokenizer() async throws -> Tokenizer {
        try await TextFixtureCache.shared.tokenizer()
    }
}

/// Loads the default model's tokenizer once and shares it between tests.
actor TextFixtureCache {
    static let shared: TextFixtureCache = TextFixtureCache()
    private var loaded: Tokenizer?

    func tokenizer() async throws -> Tokenizer {
        if let loaded: Tokenizer = loaded { return loaded }
        let path: URL = try await TextFixtures.modelPath()
        let file: GGUFFile = try GGUFFile(path: path.path)
        let tokenizer: Tokenizer = try Tokenizer(gguf: file)
        loaded = tokenizer
        return tokenizer
    }
}

@Suite struct TokenizerFixturesTests {
    @Test func referenceFixtureLoads() throws {
        let reference: TextFixtures.Reference = try TextFixtures.reference()
        #expect(reference.tokenize.count == 10)
        #expect(reference.chat.count == 8)
    }
}
