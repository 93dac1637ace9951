import Foundation
import Hummingbird
import NIOCore
import SluiceAPI

/// A fake OpenAI-compatible upstream: `POST /v1/chat/completions` (streamed and not) and
/// `GET /v1/models`, in the documented wire format, playing the ``FakeScenario`` named by the last user
/// message, also under `/dashscope/v1` (a base URL naming DashScope switches the provider's dialect). It
/// requires `Authorization: Bearer test-openai-key` (401 in OpenAI's error shape otherwise).
/// With `dialect: .deepseek` it reports cache hits the DeepSeek way (`prompt_cache_hit_tokens`).
public enum FakeOpenAI {
    /// The key the fake accepts.
    public static let apiKey = "test-openai-key"

    /// Usage dialects the fake can speak.
    public enum Dialect: Sendable {
        case openai
        case deepseek
    }

    /// A router serving the fake under `/v1`. With `faults`, every chat request first plays the plan's
    /// next ``UpstreamFault``.
    public static func router(
        recorder: RecordedRequests = RecordedRequests(), dialect: Dialect = .openai, faults: FaultPlan? = nil
    ) -> Router<BasicRequestContext> {
        let router = Router()
        if let faults { router.add(middleware: FaultMiddleware(plan: faults)) }
        router.get("/v1/models") { _, _ in
            jsonResponse(#"{"object":"list","data":[{"id":"fake-model","object":"model","created":0,"owned_by":"fake"}]}"#)
        }
        let chat: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, context in
            let body = try await request.body.collect(upTo: 16 << 20)
            let bytes = Array(buffer: body)
            recorder.append(.init(path: request.uri.path, headers: headerMap(request.headers), body: bytes))
            guard request.headers[.authorization] == "Bearer \(apiKey)" else {
                return errorResponse(
                    status: .unauthorized, message: "Incorrect API key provided.", type: "invalid_request_error",
                    code: "invalid_api_key")
            }
            guard let parsed = try? JSONDecoder().decode(ChatRequest.self, from: Data(bytes)) else {
                return errorResponse(
                    status: .badRequest, message: "We could not parse the JSON body of your request.",
                    type: "invalid_request_error", code: nil)
            }
            let turn = FakeTurn(request: parsed)
            if case .error(let status) = turn.scenario {
                return scenarioError(status)
            }
            if parsed.stream == true {
                return streamResponse(
                    turn, includeUsage: parsed.streamOptions?.includeUsage == true, dialect: dialect, recorder: recorder)
            }
            return jsonResponse(completion(turn, dialect: dialect))
        }
        router.post("/v1/chat/completions", use: chat)
        // DashScope's compatible mode lives under its own prefix.
        router.post("/dashscope/v1/chat/completions", use: chat)
        return router
    }

    // MARK: - Non-streamed

    static func completion(_ turn: FakeTurn, dialect: Dialect) -> String {
        var message: [String: JSONValue] = ["role": "assistant"]
        var finish = "stop"
        switch turn.scenario {
        case .toolCall, .parallelToolCalls:
            message["content"] = .null
            message["tool_calls"] = .array(turn.toolCalls.map { call in
                ["id": .string(call.id), "type": "function",
                 "function": ["name": .string(call.name), "arguments": .string(call.arguments)]]
            })
            finish = "tool_calls"
        case .reasoning:
            message["content"] = .string(FakeScenario.reasoningAnswer)
            message["reasoning_content"] = .string(FakeScenario.reasoningText)
        case .truncated:
            message["content"] = .string(FakeScenario.truncatedText)
            finish = "length"
        default:
            message["content"] = .string(turn.answer)
        }
        let object: JSONValue = [
            "id": "chatcmpl-fake", "object": "chat.completion", "created": 1_700_000_000,
            "model": .string(turn.model),
            "choices": [["index": 0, "message": .object(message), "logprobs": .null, "finish_reason": .string(finish)]],
            "usage": usage(turn, dialect: dialect),
            "system_fingerprint": "fp_fake",
        ]
        return encode(object)
    }

    static func usage(_ turn: FakeTurn, dialect: Dialect) -> JSONValue {
        var usage: [String: JSONValue] = [
            "prompt_tokens": .int(Int64(turn.promptTokens)),
            "completion_tokens": .int(Int64(FakeScenario.completionTokens)),
            "total_tokens": .int(Int64(turn.promptTokens + FakeScenario.completionTokens)),
        ]
        switch dialect {
        case .openai:
            usage["prompt_tokens_details"] = ["cached_tokens": .int(Int64(turn.cachedTokens))]
        case .deepseek:
            usage["prompt_cache_hit_tokens"] = .int(Int64(turn.cachedTokens))
            usage["prompt_cache_miss_tokens"] = .int(Int64(turn.promptTokens - turn.cachedTokens))
        }
        if turn.scenario == .reasoning {
            usage["completion_tokens_details"] = ["reasoning_tokens": .int(Int64(FakeScenario.reasoningTokens))]
        }
        return .object(usage)
    }

    // MARK: - Streamed

    static func streamResponse(_ turn: FakeTurn, includeUsage: Bool, dialect: Dialect, recorder: RecordedRequests) -> Response {
        let chunks = streamChunks(turn)
        let usageChunk = includeUsage ? chunk(turn, choices: [], usage: usage(turn, dialect: dialect)) : nil
        let scenario = turn.scenario
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                for (index, piece) in chunks.enumerated() {
                    do {
                        try await writer.write(ByteBuffer(bytes: SSEEncoder.data(Array(piece.utf8))))
                        if scenario == .slowStream { try await Task.sleep(for: .milliseconds(20)) }
                    } catch {
                        recorder.noteCancelledStream()
                        throw error
                    }
                    if scenario == .midStreamFailure && index == 1 { throw FakeUpstreamFailure.cutConnection }
                }
                if let usageChunk {
                    try await writer.write(ByteBuffer(bytes: SSEEncoder.data(Array(usageChunk.utf8))))
                }
                try await writer.write(ByteBuffer(bytes: SSEEncoder.done))
                try await writer.finish(nil)
            })
    }

    static func streamChunks(_ turn: FakeTurn) -> [String] {
        var out = [chunk(turn, delta: ["role": "assistant", "content": ""])]
        var finish = "stop"
        switch turn.scenario {
        case .toolCall, .parallelToolCalls:
            for (index, call) in turn.toolCalls.enumerated() {
                out.append(chunk(turn, delta: ["tool_calls": [[
                    "index": .int(Int64(index)), "id": .string(call.id), "type": "function",
                    "function": ["name": .string(call.name), "arguments": ""],
                ]]]))
                for piece in FakeScenario.fragments(call.arguments, parts: 4) {
                    out.append(chunk(turn, delta: ["tool_calls": [[
                        "index": .int(Int64(index)), "function": ["arguments": .string(piece)],
                    ]]]))
                }
            }
            finish = "tool_calls"
        case .reasoning:
            for piece in FakeScenario.fragments(FakeScenario.reasoningText) {
                out.append(chunk(turn, delta: ["reasoning_content": .string(piece)]))
            }
            for piece in FakeScenario.fragments(FakeScenario.reasoningAnswer) {
                out.append(chunk(turn, delta: ["content": .string(piece)]))
            }
        case .slowStream:
            for index in 0..<200 { out.append(chunk(turn, delta: ["content": .string("tick \(index) ")])) }
        case .truncated:
            out.append(chunk(turn, delta: ["content": .string(FakeScenario.truncatedText)]))
            finish = "length"
        default:
            for piece in FakeScenario.fragments(turn.answer) {
                out.append(chunk(turn, delta: ["content": .string(piece)]))
            }
        }
        out.append(chunk(turn, choices: [["index": 0, "delta": [:], "logprobs": .null, "finish_reason": .string(finish)]]))
        return out
    }

    static func chunk(_ turn: FakeTurn, delta: JSONValue) -> String {
        chunk(turn, choices: [["index": 0, "delta": delta, "logprobs": .null, "finish_reason": .null]])
    }

    static func chunk(_ turn: FakeTurn, choices: [JSONValue], usage: JSONValue? = nil) -> String {
        var object: [String: JSONValue] = [
            "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_700_000_000,
            "model": .string(turn.model), "system_fingerprint": "fp_fake", "choices": .array(choices),
        ]
        if let usage { object["usage"] = usage }
        return encode(.object(object))
    }

    // MARK: - Errors

    static func scenarioError(_ status: Int) -> Response {
        switch status {
        case 429:
            var response = errorResponse(
                status: .tooManyRequests, message: "Rate limit reached for requests", type: "requests",
                code: "rate_limit_exceeded")
            response.headers[.retryAfter] = "7"
            return response
        case 400:
            return errorResponse(
                status: .badRequest, message: "Invalid 'messages': bad content.", type: "invalid_request_error",
                code: "invalid_value", param: "messages")
        default:
            return errorResponse(
                status: .init(code: status), message: "The server had an error while processing your request.",
                type: "server_error", code: nil)
        }
    }

    static func errorResponse(
        status: HTTPResponse.Status, message: String, type: String, code: String?, param: String? = nil
    ) -> Response {
        let body = APIErrorBody(error: .init(message: message, type: type, param: param, code: code))
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Thrown inside a fake's response writer to break the connection mid-stream.
public enum FakeUpstreamFailure: Error {
    case cutConnection
}

func jsonResponse(_ json: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
}

func encode(_ value: JSONValue) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
}

func headerMap(_ fields: HTTPFields) -> [String: String] {
    var map: [String: String] = [:]
    for field in fields { map[field.name.canonicalName] = field.value }
    return map
}
