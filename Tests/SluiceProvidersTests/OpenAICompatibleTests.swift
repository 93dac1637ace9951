import AsyncHTTPClient
import Foundation
import Logging
import SluiceAPI
import SluiceProviders
import SluiceTesting
import Testing

/// The OpenAI-compatible provider against a real fake upstream speaking the documented format.
@Suite("OpenAI-compatible provider")
struct OpenAICompatibleTests {
    static let context = RequestContext(requestID: "req_test", logger: Logger(label: "test"))

    static func request(_ text: String, tools: Bool = false) -> ChatRequest {
        var request = ChatRequest(model: "alias", messages: [.text(.system, "You are terse."), .text(.user, text)])
        if tools {
            request.tools = [Tool(function: FunctionDefinition(name: "get_weather", parameters: ["type": "object"]))]
        }
        return request
    }

    /// Runs `body` with a provider pointed at a fresh fake.
    static func withProvider(
        dialect: FakeOpenAI.Dialect = .openai, path: String = "/v1", key: String = FakeOpenAI.apiKey,
        extraBody: [String: JSONValue] = [:], headers: [String: String] = [:], recorder: RecordedRequests = RecordedRequests(),
        _ body: @Sendable (OpenAICompatibleProvider) async throws -> Void
    ) async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await LiveServer.with(FakeOpenAI.router(recorder: recorder, dialect: dialect)) { port in
                let endpoint = ModelEndpoint(
                    name: "alias", kind: .openai, upstreamModel: "upstream-id", baseURL: "http://127.0.0.1:\(port)\(path)",
                    apiKey: key, headers: headers, extraBody: extraBody)
                try await body(OpenAICompatibleProvider(endpoint: endpoint, http: UpstreamHTTP(client: client)))
            }
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    static func collect(_ stream: ChatStream) async throws -> [ChatChunk] {
        var chunks: [ChatChunk] = []
        for try await chunk in stream { chunks.append(chunk) }
        return chunks
    }

    @Test("text, usage, and the upstream model id")
    func text() async throws {
        let recorder = RecordedRequests()
        try await Self.withProvider(headers: ["X-Title": "sluice-test"], recorder: recorder) { provider in
            let response = try await provider.complete(Self.request("hello"), context: Self.context)
            #expect(response.choices.first?.message.content?.text == "Echo: hello")
            #expect(response.usage?.completionTokens == 7)
            let sent = try JSONDecoder().decode(JSONValue.self, from: Data(try #require(recorder.last).body))
            #expect(sent["model"] == "upstream-id")
            #expect(sent["stream"] == nil)
            #expect(recorder.last?.headers["x-title"] == "sluice-test")
            #expect(recorder.last?.headers["authorization"] == "Bearer \(FakeOpenAI.apiKey)")
        }
    }

    @Test("streamed tool-call fragments reassemble, and usage is always requested")
    func streamedTools() async throws {
        let recorder = RecordedRequests()
        try await Self.withProvider(recorder: recorder) { provider in
            let chunks = try await Self.collect(try await provider.stream(Self.request("call: now", tools: true), context: Self.context))
            let deltas = chunks.flatMap { $0.choices.first?.delta.toolCalls ?? [] }
            #expect(deltas.count >= 4, "arguments arrive in several fragments")
            #expect(deltas.compactMap { $0.function?.arguments }.joined() == FakeScenario.toolArguments)
            #expect(chunks.last?.usage?.completionTokens == 7)
            #expect(chunks.last?.choices.isEmpty == true)
            let sent = try JSONDecoder().decode(JSONValue.self, from: Data(try #require(recorder.last).body))
            #expect(sent["stream_options"]?["include_usage"] == .bool(true))
        }
    }

    @Test("DeepSeek cache hits become cached_tokens")
    func deepSeekUsage() async throws {
        try await Self.withProvider(dialect: .deepseek) { provider in
            let long = String(repeating: "context ", count: 20)
            let response = try await provider.complete(Self.request(long), context: Self.context)
            #expect(response.usage?.cachedTokens == 3)
            let chunks = try await Self.collect(try await provider.stream(Self.request(long), context: Self.context))
            #expect(chunks.last?.usage?.cachedTokens == 3)
        }
    }

    @Test("reasoning arrives as reasoning_content, streamed and not")
    func reasoning() async throws {
        try await Self.withProvider { provider in
            let response = try await provider.complete(Self.request("think: hard"), context: Self.context)
            #expect(response.choices.first?.message.reasoningContent == FakeScenario.reasoningText)
            #expect(response.usage?.reasoningTokens == FakeScenario.reasoningTokens)
            let chunks = try await Self.collect(try await provider.stream(Self.request("think: hard"), context: Self.context))
            #expect(chunks.compactMap { $0.choices.first?.delta.reasoningContent }.joined() == FakeScenario.reasoningText)
        }
    }

    @Test("DashScope: reasoning_effort becomes enable_thinking; extra_body is merged")
    func dashScope() async throws {
        let recorder = RecordedRequests()
        try await Self.withProvider(path: "/dashscope/v1", extraBody: ["vl_high_resolution_images": true], recorder: recorder) { provider in
            var request = Self.request("hi")
            request.reasoningEffort = "none"
            _ = try await provider.complete(request, context: Self.context)
        }
        let sent = try JSONDecoder().decode(JSONValue.self, from: Data(try #require(recorder.last).body))
        #expect(sent["enable_thinking"] == .bool(false))
        #expect(sent["reasoning_effort"] == nil)
        #expect(sent["vl_high_resolution_images"] == .bool(true))
    }

    @Test("error statuses map faithfully")
    func errors() async throws {
        try await Self.withProvider { provider in
            await #expect {
                try await provider.complete(Self.request("error:429"), context: Self.context)
            } throws: { error in
                guard let error = error as? ProviderError, case .upstream(let failure) = error else { return false }
                return failure.status == 429 && failure.retryAfter == "7" && error.apiError.status == 429 && error.isRetryable
            }
            await #expect {
                try await provider.stream(Self.request("error:500"), context: Self.context)
            } throws: { error in
                (error as? ProviderError)?.apiError.status == 500
            }
            await #expect {
                try await provider.complete(Self.request("error:400"), context: Self.context)
            } throws: { error in
                let api = (error as? ProviderError)?.apiError
                return api?.status == 400 && api?.param == "messages" && (error as? ProviderError)?.isRetryable == false
            }
        }
        try await Self.withProvider(key: "wrong") { provider in
            await #expect {
                try await provider.complete(Self.request("hi"), context: Self.context)
            } throws: { error in
                let api = (error as? ProviderError)?.apiError
                return api?.status == 502 && api?.message.contains("401") == true && api?.message.contains("wrong") == false
            }
        }
    }

    @Test("a stream cut mid-way throws after the first chunks")
    func midStream() async throws {
        try await Self.withProvider { provider in
            let stream = try await provider.stream(Self.request("midfail: x"), context: Self.context)
            var received = 0
            await #expect(throws: ProviderError.self) {
                for try await _ in stream { received += 1 }
            }
            #expect(received >= 1)
        }
    }

    @Test("an unreachable upstream is a 502 transport error")
    func unreachable() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let endpoint = ModelEndpoint(name: "down", kind: .openai, baseURL: "http://127.0.0.1:1/v1")
        let provider = OpenAICompatibleProvider(endpoint: endpoint, http: UpstreamHTTP(client: client))
        await #expect {
            try await provider.complete(Self.request("hi"), context: Self.context)
        } throws: { error in
            guard let error = error as? ProviderError, case .transport = error else { return false }
            return error.apiError.status == 502 && error.apiError.message.contains("down")
        }
        try await client.shutdown()
    }
}
