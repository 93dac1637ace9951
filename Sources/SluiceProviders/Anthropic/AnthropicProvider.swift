import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SluiceAPI

/// Anthropic's Messages API (`POST /v1/messages`), with `x-api-key` and `anthropic-version: 2023-06-01`.
///
/// Translation choices (request side in `AnthropicProvider+request.swift`, response side in
/// `AnthropicProvider+response.swift`, streaming in `AnthropicChunkSource.swift`):
/// - `max_tokens` is required by Anthropic and defaults to 4096 when the caller gave no limit.
/// - `reasoning_effort` turns extended thinking on with a budget of 1024 (`minimal`, `low`), 4096
///   (`medium`) or 16384 (`high`) tokens, or off (`none`); an exact `sluice.thinking_budget_tokens`
///   (set by the Anthropic ingress bridge) wins. The budget must stay below `max_tokens`: with no caller
///   limit `max_tokens` becomes budget + 4096; with a caller limit at or below the budget, the budget
///   shrinks to half the limit (at least 1024), and a limit of 1024 or less is refused. With thinking on,
///   `temperature` and `top_k` are not sent and `top_p` only when at least 0.95, as Anthropic requires.
/// - `response_format` `json_schema` / `json_object` is served as a forced tool whose `input_schema` is the
///   schema (`{"type":"object"}` for `json_object`); its `tool_use` input comes back as the message
///   content with finish reason `stop`. When a forced tool cannot be used (thinking is on, the caller
///   declared tools, or the schema's root is not an object) the format becomes a system instruction.
/// - Anthropic's error shape is parsed into ``UpstreamFailure``; its 529 `overloaded_error` becomes 503
///   (the standard status for a temporarily overloaded service, which OpenAI clients retry) with the type
///   `overloaded_error` kept, and the same holds for an `error` event mid-stream.
/// - History: `system` and `developer` messages, wherever they stand, become the top-level `system`
///   (one text block each); consecutive `tool` messages become one user turn of `tool_result` blocks;
///   assistant `tool_calls` become `tool_use` blocks; `image_url` parts become image blocks (`data:` URLs
///   as base64 sources). Past reasoning is not sent back: Anthropic requires the signature of each
///   thinking block, which the canonical format does not carry.
/// - `temperature` above Anthropic's maximum of 1 is sent as 1; `top_k` is read from the pass-through
///   member of that name; `user` becomes `metadata.user_id`; `stop` becomes `stop_sequences`;
///   `parallel_tool_calls: false` becomes `disable_parallel_tool_use`. `seed`, `presence_penalty` and
///   `frequency_penalty` have no Anthropic counterpart and are not sent; `n > 1`, `logprobs`,
///   `top_logprobs`, `logit_bias`, audio and other non-image parts are refused by ``check(_:)``.
/// - Responses: `redacted_thinking` and server-tool blocks have no canonical form and are skipped; a
///   matched stop sequence is kept in the message as `stop_sequence` (read by ``AnthropicBridge``).
public struct AnthropicProvider: ChatProvider {
    public let endpoint: ModelEndpoint
    private let http: UpstreamHTTP

    /// The API version sent as `anthropic-version`.
    public static let apiVersion = "2023-06-01"
    /// The base URL used when the endpoint names none.
    public static let defaultBaseURL = "https://api.anthropic.com"
    /// `max_tokens` when the caller gave no output limit.
    public static let defaultMaxTokens = 4096

    public init(endpoint: ModelEndpoint, http: UpstreamHTTP) {
        var endpoint = endpoint
        if endpoint.baseURL.isEmpty { endpoint.baseURL = Self.defaultBaseURL }
        self.endpoint = endpoint
        self.http = http
    }

    public func complete(_ request: ChatRequest, context: RequestContext) async throws -> ChatResponse {
        let plan = try messagesRequest(for: request, stream: false)
        let response = try await send(plan.body, context: context)
        let bytes = try await UpstreamHTTP.collect(response.body, limit: 64 << 20, upstream: endpoint.name)
        let message: AnthropicMessagesResponse
        do {
            message = try JSONDecoder().decode(AnthropicMessagesResponse.self, from: Data(bytes))
        } catch {
            throw ProviderError.invalidResponse(upstream: endpoint.name, message: "undecodable message: \(error)")
        }
        return Self.chatResponse(message, jsonTool: plan.jsonTool)
    }

    public func stream(_ request: ChatRequest, context: RequestContext) async throws -> ChatStream {
        let plan = try messagesRequest(for: request, stream: true)
        let response = try await send(plan.body, context: context)
        let name = endpoint.name
        let box = AnthropicResponseBox(response: response)
        let jsonTool = plan.jsonTool
        return ChatStream {
            AnthropicChunkSource(
                events: SSEEventSource(response: box.response, upstream: name), upstream: name, jsonTool: jsonTool)
        }
    }

    public func check(_ request: ChatRequest) throws(ProviderError) {
        if let n = request.n, n > 1 {
            throw .badRequest(.unsupportedParameter("n", "Anthropic returns one choice per request; 'n' must be 1."))
        }
        if request.logprobs == true || request.topLogprobs != nil {
            throw .badRequest(.unsupportedParameter("logprobs", "Anthropic does not return log probabilities."))
        }
        if let bias = request.logitBias, !bias.isEmpty {
            throw .badRequest(.unsupportedParameter("logit_bias", "Anthropic does not support 'logit_bias'."))
        }
        for tool in request.tools ?? [] where tool.type != "function" {
            throw .badRequest(.unsupportedParameter("tools", "Only function tools can be sent to Anthropic."))
        }
        for (index, message) in request.messages.enumerated() {
            if message.role == .function {
                throw .badRequest(
                    .unsupportedParameter(
                        "messages[\(index)].role", "The 'function' role is not supported for Anthropic; use 'tool'."))
            }
            guard case .parts(let parts)? = message.content else { continue }
            for part in parts {
                switch part {
                case .text, .imageURL: continue
                case .inputAudio:
                    throw .badRequest(
                        .unsupportedParameter("messages[\(index)].content", "Anthropic does not accept audio input."))
                case .other(let value):
                    let type = value["type"]?.stringValue ?? "unknown"
                    throw .badRequest(
                        .unsupportedParameter(
                            "messages[\(index)].content", "Content part type '\(type)' is not supported for Anthropic."))
                }
            }
        }
        _ = try thinkingPlan(for: request)
    }

    /// The URL of the Messages endpoint, whether the base URL ends in `/v1` or not.
    var messagesURL: String {
        var base = endpoint.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix("/v1") ? endpoint.url("/messages") : endpoint.url("/v1/messages")
    }

    private func send(_ body: AnthropicMessagesRequest, context: RequestContext) async throws -> HTTPClientResponse {
        let bytes: ByteBuffer
        do {
            bytes = ByteBuffer(bytes: try JSONEncoder().encode(body))
        } catch {
            throw ProviderError.badRequest(.invalidRequest("The request could not be encoded: \(error)"))
        }
        var headers = HTTPHeaders()
        if let key = endpoint.apiKey, !key.isEmpty {
            headers.add(name: "x-api-key", value: key)
        }
        headers.add(name: "anthropic-version", value: Self.apiVersion)
        headers.add(name: "accept", value: body.stream == true ? "text/event-stream" : "application/json")
        let name = endpoint.name
        return try await http.post(
            url: messagesURL, headers: headers, body: bytes, endpoint: endpoint, logger: context.logger,
            parseError: { status, bytes in Self.failure(upstream: name, status: status, body: bytes) })
    }
}

/// Holds a response whose body is consumed by exactly one stream.
private struct AnthropicResponseBox: @unchecked Sendable {
    let response: HTTPClientResponse
}
