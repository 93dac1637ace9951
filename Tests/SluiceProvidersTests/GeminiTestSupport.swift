import AsyncHTTPClient
import Foundation
import Logging
import SluiceAPI
import SluiceTesting
import Testing

@testable import SluiceProviders

/// Runs `body` with a Gemini provider pointed at a fake Gemini API on a live loopback server, using a
/// real HTTP client that is shut down afterwards.
func withGemini(
    apiKey: String? = FakeGemini.apiKey,
    _ body: @Sendable (GeminiProvider, RecordedRequests) async throws -> Void
) async throws {
    let recorder = RecordedRequests()
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        try await LiveServer.with(FakeGemini.router(recorder: recorder)) { port in
            let endpoint = ModelEndpoint(
                name: "gemini-test", kind: .gemini, upstreamModel: "gemini-fake",
                baseURL: "http://127.0.0.1:\(port)/v1beta", apiKey: apiKey)
            try await body(GeminiProvider(endpoint: endpoint, http: UpstreamHTTP(client: client)), recorder)
        }
        try await client.shutdown()
    } catch {
        try? await client.shutdown()
        throw error
    }
}

extension GeminiProviderTests {
    static let context = RequestContext(requestID: "test-request", logger: Logger(label: "sluice.test.gemini"))

    static let weatherTool = Tool(
        function: FunctionDefinition(
            name: "get_weather", description: "The weather in a city.",
            parameters: [
                "type": "object", "properties": ["city": ["type": "string"], "unit": ["type": "string"]],
                "required": ["city"],
            ]))

    /// A one-message request.
    static func request(_ text: String) -> ChatRequest {
        ChatRequest(model: "gemini-test", messages: [.text(.user, text)])
    }

    /// All chunks of a stream.
    static func collect(_ stream: ChatStream) async throws -> [ChatChunk] {
        var chunks: [ChatChunk] = []
        for try await chunk in stream { chunks.append(chunk) }
        return chunks
    }

    static func json(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    static func json(_ text: String) throws -> JSONValue {
        try json(Array(text.utf8))
    }
}
