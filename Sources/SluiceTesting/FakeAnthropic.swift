import Foundation
import Hummingbird
import NIOCore
import SluiceAPI

/// A fake Anthropic upstream: `POST /v1/messages`, streamed and not, in the documented wire format,
/// playing the ``FakeScenario`` named by the last user message.
///
/// Like the real API it requires `x-api-key` (here ``apiKey``; 401 `authentication_error` otherwise) and
/// `anthropic-version`, and answers a missing `max_tokens` or a thinking budget below 1024 or not below
/// `max_tokens` with 400 `invalid_request_error`. Streams use `event:`/`data:` framing, send a `ping`,
/// split tool input into several `input_json_delta`s, and end thinking blocks with a `signature_delta`.
/// Scenario specifics: tool calls use the first tool in `tools`; `think:` sends a thinking block only
/// when thinking is enabled; `json:` answers through the forced tool when `tool_choice` names one (as
/// Claude does), else as text. Usage reports the scenario's prompt tokens the Anthropic way: cached
/// tokens as `cache_read_input_tokens` and the rest as `input_tokens`.
public enum FakeAnthropic {
    /// The key the fake accepts.
    public static let apiKey = "test-anthropic-key"
    /// The signature the fake puts on thinking blocks.
    public static let signature = "fake-signature-EqQBCgIYAhIM"

    /// A router serving `POST /v1/messages`.
    public static func router(recorder: RecordedRequests = RecordedRequests()) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/messages") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 32 << 20)
            let bytes = Array(buffer: body)
            let headers = headerMap(request.headers)
            recorder.append(.init(path: request.uri.path, headers: headers, body: bytes))
            guard headers["x-api-key"] == apiKey else {
                return errorResponse(status: .unauthorized, type: "authentication_error", message: "invalid x-api-key")
            }
            guard headers["anthropic-version"] != nil else {
                return errorResponse(
                    status: .badRequest, type: "invalid_request_error", message: "anthropic-version: header is required")
            }
            let parsed: AnthropicMessagesRequest
            do {
                parsed = try JSONDecoder().decode(AnthropicMessagesRequest.self, from: Data(bytes))
            } catch {
                return errorResponse(status: .badRequest, type: "invalid_request_error", message: "invalid JSON body: \(error)")
            }
            if let problem = validate(parsed) {
                return errorResponse(status: .badRequest, type: "invalid_request_error", message: problem)
            }
            let reply = FakeAnthropicReply(request: parsed)
            if case .error(let status) = reply.turn.scenario {
                return scenarioError(status)
            }
            if parsed.stream == true {
                return streamResponse(reply, recorder: recorder)
            }
            return jsonResponse(encodeJSON(reply.message))
        }
        return router
    }

    /// The first problem the real API would report for this request, if any.
    static func validate(_ request: AnthropicMessagesRequest) -> String? {
        guard let maxTokens = request.maxTokens else { return "max_tokens: Field required" }
        if maxTokens < 1 { return "max_tokens: Input should be greater than or equal to 1" }
        if case .enabled(let budget)? = request.thinking {
            if budget < AnthropicThinkingConfig.minimumBudget {
                return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
            }
            if budget >= maxTokens { return "`max_tokens` must be greater than `thinking.budget_tokens`" }
        }
        for message in request.messages where message.role != "user" && message.role != "assistant" {
            return "messages: Unexpected role \"\(message.role)\""
        }
        return nil
    }

    /// The reply as SSE events; a stream whose client goes away is counted in ``RecordedRequests/cancelledStreams``.
    static func streamResponse(_ reply: FakeAnthropicReply, recorder: RecordedRequests) -> Response {
        let events = reply.streamEvents
        let scenario = reply.turn.scenario
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                for (index, event) in events.enumerated() {
                    do {
                        try await writer.write(ByteBuffer(bytes: SSEEncoder.encode(event.sseEvent)))
                        if scenario == .slowStream { try await Task.sleep(for: .milliseconds(20)) }
                    } catch {
                        recorder.noteCancelledStream()
                        throw error
                    }
                    if scenario == .midStreamFailure && index == 3 { throw FakeUpstreamFailure.cutConnection }
                }
                try await writer.finish(nil)
            })
    }

    static func scenarioError(_ status: Int) -> Response {
        let type = AnthropicErrorBody.errorType(forStatus: status)
        let message: String
        switch status {
        case 429: message = "Number of request tokens has exceeded your per-minute rate limit"
        case 529: message = "Overloaded"
        case 400: message = "messages: text content blocks must be non-empty"
        default: message = "Internal server error"
        }
        var response = errorResponse(status: .init(code: status), type: type, message: message)
        if status == 429 { response.headers[.retryAfter] = "7" }
        return response
    }

    static func errorResponse(status: HTTPResponse.Status, type: String, message: String) -> Response {
        let body = AnthropicErrorBody(type: type, message: message, requestID: "req_fake")
        return jsonResponse(encodeJSON(body), status: status)
    }

    static func encodeJSON(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }
}
