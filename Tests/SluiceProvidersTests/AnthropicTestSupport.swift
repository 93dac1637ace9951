import AsyncHTTPClient
import Foundation
import Logging
import SluiceAPI
import SluiceProviders
import SluiceTesting

/// Runs `body` with an ``AnthropicProvider`` pointed at a live ``FakeAnthropic`` and a real HTTP client.
func withFakeAnthropic<Result: Sendable>(
    apiKey: String = FakeAnthropic.apiKey,
    _ body: @Sendable (AnthropicProvider, RecordedRequests) async throws -> Result
) async throws -> Result {
    let recorder = RecordedRequests()
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let result = try await LiveServer.with(FakeAnthropic.router(recorder: recorder)) { port in
            let endpoint = ModelEndpoint(
                name: "claude", kind: .anthropic, upstreamModel: "claude-test-model",
                baseURL: "http://127.0.0.1:\(port)", apiKey: apiKey)
            return try await body(AnthropicProvider(endpoint: endpoint, http: UpstreamHTTP(client: client)), recorder)
        }
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

let anthropicTestContext = RequestContext(requestID: "req-test", logger: Logger(label: "anthropic-test"))

/// A canonical request with one user message.
func anthropicChat(_ text: String, system: String? = nil) -> ChatRequest {
    var messages: [ChatMessage] = []
    if let system { messages.append(.text(.system, system)) }
    messages.append(.text(.user, text))
    return ChatRequest(model: "claude", messages: messages)
}

let weatherTool = Tool(
    function: FunctionDefinition(
        name: "get_weather", description: "Current weather",
        parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]))

/// A stream's chunks put back together.
struct AssembledStream {
    var chunks: [ChatChunk] = []
    var content = ""
    var reasoning = ""
    var calls: [Int: (id: String?, name: String, arguments: String)] = [:]
    var finishReasons: [FinishReason] = []
    var usage: Usage?

    init(_ stream: ChatStream) async throws {
        for try await chunk in stream {
            chunks.append(chunk)
            if let usage = chunk.usage { self.usage = usage }
            for choice in chunk.choices {
                content += choice.delta.content ?? ""
                reasoning += choice.delta.reasoningContent ?? ""
                for call in choice.delta.toolCalls ?? [] {
                    var entry = calls[call.index] ?? (nil, "", "")
                    if let id = call.id { entry.id = id }
                    entry.name += call.function?.name ?? ""
                    entry.arguments += call.function?.arguments ?? ""
                    calls[call.index] = entry
                }
                if let finish = choice.finishReason { finishReasons.append(finish) }
            }
        }
    }
}

/// The JSON body of a recorded request.
func recordedBody(_ recorder: RecordedRequests) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(recorder.last?.body ?? []))
}
