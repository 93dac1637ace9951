import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SluiceAPI

/// Any upstream that speaks OpenAI Chat Completions: OpenAI, DeepSeek, DashScope compatible mode,
/// SiliconFlow, OpenRouter, vLLM, SGLang, llama.cpp's server, and Ollama.
///
/// The canonical request is sent almost as it came: members Sluice does not model pass through, the
/// model id becomes the upstream's, and the endpoint's `extra_body` members are merged in. Dialects
/// differ in a few places, handled here:
/// - DeepSeek's `reasoning_content` and `prompt_cache_hit_tokens` are read by the canonical types.
/// - OpenRouter's and newer vLLM's `reasoning` is read as `reasoning_content`.
/// - DashScope takes thinking on or off as `enable_thinking`; `reasoning_effort` is mapped to it
///   (`none` turns it off, any other effort turns it on) unless the caller set `enable_thinking` itself.
/// - Streams always ask for the final usage chunk (`stream_options.include_usage`), which Sluice needs
///   for accounting; the gateway passes it on only to callers who asked for it.
public struct OpenAICompatibleProvider: ChatProvider {
    public let endpoint: ModelEndpoint
    private let http: UpstreamHTTP
    private let dialect: OpenAIDialect

    public init(endpoint: ModelEndpoint, http: UpstreamHTTP) {
        self.endpoint = endpoint
        self.http = http
        self.dialect = OpenAIDialect(baseURL: endpoint.baseURL)
    }

    public func complete(_ request: ChatRequest, context: RequestContext) async throws -> ChatResponse {
        var upstream = upstreamRequest(request)
        upstream.stream = nil
        upstream.streamOptions = nil
        let response = try await send(upstream, context: context)
        let bytes = try await UpstreamHTTP.collect(response.body, limit: 64 << 20, upstream: endpoint.name)
        do {
            return try JSONDecoder().decode(ChatResponse.self, from: Data(bytes))
        } catch {
            throw ProviderError.invalidResponse(upstream: endpoint.name, message: "undecodable chat completion: \(error)")
        }
    }

    public func stream(_ request: ChatRequest, context: RequestContext) async throws -> ChatStream {
        var upstream = upstreamRequest(request)
        upstream.stream = true
        upstream.streamOptions = StreamOptions(includeUsage: true)
        let response = try await send(upstream, context: context)
        let name = endpoint.name
        let box = UncheckedResponse(response)
        return ChatStream { OpenAIChunkSource(events: SSEEventSource(response: box.response, upstream: name), upstream: name) }
    }

    /// The request as this upstream receives it.
    func upstreamRequest(_ request: ChatRequest) -> ChatRequest {
        var upstream = request
        upstream.model = endpoint.upstreamModel
        for (key, value) in endpoint.extraBody where upstream.extra[key] == nil {
            upstream.extra[key] = value
        }
        if dialect == .dashscope, let effort = request.reasoningEffort, upstream.extra["enable_thinking"] == nil {
            upstream.extra["enable_thinking"] = .bool(effort != "none")
            upstream.reasoningEffort = nil
        }
        return upstream
    }

    private func send(_ request: ChatRequest, context: RequestContext) async throws -> HTTPClientResponse {
        let body: ByteBuffer
        do {
            body = ByteBuffer(bytes: try JSONEncoder().encode(request))
        } catch {
            throw ProviderError.badRequest(.invalidRequest("The request could not be encoded: \(error)"))
        }
        var headers = HTTPHeaders()
        if let key = endpoint.apiKey, !key.isEmpty {
            headers.add(name: "authorization", value: "Bearer \(key)")
        }
        headers.add(name: "accept", value: request.stream == true ? "text/event-stream" : "application/json")
        let name = endpoint.name
        return try await http.post(
            url: endpoint.url("/chat/completions"), headers: headers, body: body, endpoint: endpoint,
            logger: context.logger,
            parseError: { status, bytes in UpstreamHTTP.openAIError(upstream: name, status: status, body: bytes) })
    }
}

/// The OpenAI-compatible dialects that need special handling, recognised by base URL.
enum OpenAIDialect: Sendable, Hashable {
    case standard
    case dashscope

    init(baseURL: String) {
        let lowered = baseURL.lowercased()
        self = lowered.contains("dashscope") ? .dashscope : .standard
    }
}

/// Holds a response whose body is consumed by exactly one stream.
struct UncheckedResponse: @unchecked Sendable {
    let response: HTTPClientResponse
    init(_ response: HTTPClientResponse) { self.response = response }
}

/// Turns an OpenAI-style SSE stream into canonical chunks, one event at a time.
final class OpenAIChunkSource: ChunkSource {
    private let events: SSEEventSource
    private let upstream: String
    private let decoder = JSONDecoder()
    private var done = false

    init(events: SSEEventSource, upstream: String) {
        self.events = events
        self.upstream = upstream
    }

    func next() async throws -> ChatChunk? {
        while !done {
            guard let event = try await events.next() else {
                done = true
                return nil
            }
            let data = event.data
            if data == "[DONE]" {
                done = true
                return nil
            }
            if data.isEmpty { continue }
            let bytes = Data(data.utf8)
            if event.event == "error" || (data.contains("\"error\"") && Self.isError(bytes, decoder: decoder)) {
                throw Self.streamError(bytes, upstream: upstream, decoder: decoder)
            }
            do {
                return try decoder.decode(ChatChunk.self, from: bytes)
            } catch {
                throw Self.streamError(bytes, upstream: upstream, decoder: decoder)
            }
        }
        return nil
    }

    /// Whether an event's JSON is an error object (`{"error": {...}}`) rather than a chunk.
    private static func isError(_ bytes: Data, decoder: JSONDecoder) -> Bool {
        guard let value = try? decoder.decode(JSONValue.self, from: bytes) else { return false }
        return value["error"] != nil && value["error"] != .null && value["choices"] == nil
    }

    /// The failure an error event (or undecodable data) in the middle of a stream stands for.
    private static func streamError(_ bytes: Data, upstream: String, decoder: JSONDecoder) -> ProviderError {
        struct Envelope: Decodable { var error: APIErrorBody.Detail }
        if let envelope = try? decoder.decode(Envelope.self, from: bytes) {
            let status = Int(envelope.error.code ?? "") ?? 502
            return .upstream(
                UpstreamFailure(
                    upstream: upstream, status: (400..<600).contains(status) ? status : 502,
                    message: envelope.error.message, type: envelope.error.type, code: envelope.error.code))
        }
        return .invalidResponse(
            upstream: upstream, message: "undecodable stream event: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
    }
}
