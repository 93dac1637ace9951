import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SluiceAPI

/// A fake Gemini API: `POST /v1beta/models/{model}:generateContent` and
/// `POST /v1beta/models/{model}:streamGenerateContent` (with `alt=sse`, Server-Sent Events framed with
/// CRLF as Google's servers send them; without it, one JSON array of responses), in the documented
/// wire format, playing the ``FakeScenario`` named by the last user text.
///
/// It requires `x-goog-api-key: test-gemini-key`: a missing key gets 403 `PERMISSION_DENIED`, a wrong
/// one 400 `INVALID_ARGUMENT`, both in Google's error shape. Function calls carry a thought signature
/// on the first call, as Gemini 3 sends them. Usage follows ``FakeScenario``: for `think:` the 7
/// completion tokens are 2 candidate tokens plus ``FakeScenario/reasoningTokens`` thought tokens.
/// Intermediate stream events report only the prompt tokens; the last one reports everything. A stream
/// whose client goes away is counted in ``RecordedRequests/cancelledStreams``.
public enum FakeGemini {
    /// The key the fake accepts.
    public static let apiKey = "test-gemini-key"
    /// The thought signature the fake attaches to the first function call of an answer.
    public static let thoughtSignature = "ZmFrZS1zaWduYXR1cmU="

    /// A router serving the fake under `/v1beta`.
    public static func router(recorder: RecordedRequests = RecordedRequests()) -> Router<BasicRequestContext> {
        let router = Router()
        // The method follows the model id after a colon (`gemini-2.5-flash:generateContent`), inside one
        // path component, so the component is captured whole and split here.
        router.post("/v1beta/models/:target") { request, context -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            let bytes = Array(buffer: body)
            var path = request.uri.path
            if let query = request.uri.query { path += "?" + query }
            recorder.append(.init(path: path, headers: headerMap(request.headers), body: bytes))
            let target = context.parameters.get("target") ?? ""
            guard let colon = target.lastIndex(of: ":") else {
                return googleError(404, status: "NOT_FOUND", message: "Method not found.")
            }
            let model = String(target[..<colon])
            let method = target[target.index(after: colon)...]
            guard method == "generateContent" || method == "streamGenerateContent" else {
                return googleError(404, status: "NOT_FOUND", message: "Method not found.")
            }
            guard let key = request.headers[HTTPField.Name("x-goog-api-key")!] else {
                return googleError(
                    403, status: "PERMISSION_DENIED",
                    message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.")
            }
            guard key == apiKey else {
                return googleError(400, status: "INVALID_ARGUMENT", message: "API key not valid. Please pass a valid API key.")
            }
            guard let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)),
                let contents = parsed["contents"]?.arrayValue, !contents.isEmpty
            else {
                return googleError(400, status: "INVALID_ARGUMENT", message: "* GenerateContentRequest.contents: contents is not specified")
            }
            let turn = Self.turn(model: model, request: parsed)
            if case .error(let status) = turn.scenario { return scenarioError(status) }
            if method == "generateContent" { return jsonResponse(encode(response(turn))) }
            if request.uri.queryParameters.get("alt") == "sse" { return sseResponse(turn, recorder: recorder) }
            return jsonResponse(encode(.array(streamEvents(turn))))
        }
        return router
    }

    /// The turn a Gemini request describes: the last user text, all text, and declared functions.
    static func turn(model: String, request: JSONValue) -> FakeTurn {
        var lastUserText = ""
        var characters = 0
        for part in request["systemInstruction"]?["parts"]?.arrayValue ?? [] {
            characters += part["text"]?.stringValue?.count ?? 0
        }
        for content in request["contents"]?.arrayValue ?? [] {
            for part in content["parts"]?.arrayValue ?? [] {
                guard let text = part["text"]?.stringValue else { continue }
                characters += text.count
                if content["role"]?.stringValue != "model" { lastUserText = text }
            }
        }
        var names: [String] = []
        for tool in request["tools"]?.arrayValue ?? [] {
            for declaration in tool["functionDeclarations"]?.arrayValue ?? [] {
                if let name = declaration["name"]?.stringValue { names.append(name) }
            }
        }
        return FakeTurn(model: model, lastUserText: lastUserText, promptCharacters: characters, toolNames: names)
    }

    // MARK: - Answers

    static func response(_ turn: FakeTurn) -> JSONValue {
        var parts: [JSONValue] = []
        switch turn.scenario {
        case .toolCall, .parallelToolCalls:
            parts = functionCallParts(turn)
        case .reasoning:
            parts = [["text": .string(FakeScenario.reasoningText), "thought": true], ["text": .string(FakeScenario.reasoningAnswer)]]
        case .truncated:
            parts = [["text": .string(FakeScenario.truncatedText)]]
        default:
            parts = [["text": .string(turn.answer)]]
        }
        return event(turn, parts: parts, finish: finishReason(turn), usage: usage(turn))
    }

    static func streamEvents(_ turn: FakeTurn) -> [JSONValue] {
        let partial: JSONValue = ["promptTokenCount": .int(Int64(turn.promptTokens)), "totalTokenCount": .int(Int64(turn.promptTokens))]
        var pieces: [[JSONValue]] = []
        switch turn.scenario {
        case .toolCall, .parallelToolCalls:
            pieces = [[["text": ""]], functionCallParts(turn)]
        case .reasoning:
            pieces = FakeScenario.fragments(FakeScenario.reasoningText, parts: 2).map { [["text": .string($0), "thought": true]] }
            pieces += FakeScenario.fragments(FakeScenario.reasoningAnswer).map { [["text": .string($0)]] }
        case .slowStream:
            pieces = (0..<200).map { [["text": .string("tick \($0) ")]] }
        case .truncated:
            pieces = [[["text": .string(FakeScenario.truncatedText)]]]
        default:
            pieces = FakeScenario.fragments(turn.answer).map { [["text": .string($0)]] }
        }
        return pieces.enumerated().map { index, parts in
            let last = index == pieces.count - 1
            return event(turn, parts: parts, finish: last ? finishReason(turn) : nil, usage: last ? usage(turn) : partial)
        }
    }

    static func sseResponse(_ turn: FakeTurn, recorder: RecordedRequests) -> Response {
        let events = streamEvents(turn)
        let scenario = turn.scenario
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                for (index, event) in events.enumerated() {
                    do {
                        try await writer.write(ByteBuffer(string: "data: " + encode(event) + "\r\n\r\n"))
                        if scenario == .slowStream { try await Task.sleep(for: .milliseconds(20)) }
                    } catch {
                        recorder.noteCancelledStream()
                        throw error
                    }
                    if scenario == .midStreamFailure && index == 1 { throw FakeUpstreamFailure.cutConnection }
                }
                try await writer.finish(nil)
            })
    }

    static func functionCallParts(_ turn: FakeTurn) -> [JSONValue] {
        turn.toolCalls.enumerated().map { index, call in
            let args = (try? JSONDecoder().decode(JSONValue.self, from: Data(call.arguments.utf8))) ?? [:]
            var part: [String: JSONValue] = ["functionCall": ["name": .string(call.name), "args": args]]
            if index == 0 { part["thoughtSignature"] = .string(thoughtSignature) }
            return .object(part)
        }
    }

    static func finishReason(_ turn: FakeTurn) -> String {
        turn.scenario == .truncated ? "MAX_TOKENS" : "STOP"
    }

    static func usage(_ turn: FakeTurn) -> JSONValue {
        let thoughts = turn.scenario == .reasoning ? FakeScenario.reasoningTokens : 0
        var usage: [String: JSONValue] = [
            "promptTokenCount": .int(Int64(turn.promptTokens)),
            "candidatesTokenCount": .int(Int64(FakeScenario.completionTokens - thoughts)),
            "totalTokenCount": .int(Int64(turn.promptTokens + FakeScenario.completionTokens)),
        ]
        if turn.cachedTokens > 0 { usage["cachedContentTokenCount"] = .int(Int64(turn.cachedTokens)) }
        if thoughts > 0 { usage["thoughtsTokenCount"] = .int(Int64(thoughts)) }
        return .object(usage)
    }

    static func event(_ turn: FakeTurn, parts: [JSONValue], finish: String?, usage: JSONValue) -> JSONValue {
        var candidate: [String: JSONValue] = ["content": ["parts": .array(parts), "role": "model"], "index": 0]
        if let finish { candidate["finishReason"] = .string(finish) }
        return [
            "candidates": [.object(candidate)], "usageMetadata": usage, "modelVersion": .string(turn.model),
            "responseId": "fake-response-id",
        ]
    }

    // MARK: - Errors

    static func scenarioError(_ status: Int) -> Response {
        switch status {
        case 429:
            var response = googleError(
                429, status: "RESOURCE_EXHAUSTED",
                message: "You exceeded your current quota, please check your plan and billing details.")
            response.headers[.retryAfter] = "7"
            return response
        case 400: return googleError(400, status: "INVALID_ARGUMENT", message: "Request contains an invalid argument.")
        case 403: return googleError(403, status: "PERMISSION_DENIED", message: "The caller does not have permission.")
        case 404: return googleError(404, status: "NOT_FOUND", message: "models/unknown is not found for API version v1beta.")
        case 503: return googleError(503, status: "UNAVAILABLE", message: "The model is overloaded. Please try again later.")
        default: return googleError(status, status: "INTERNAL", message: "An internal error has occurred.")
        }
    }

    /// A response in Google's error shape.
    static func googleError(_ code: Int, status: String, message: String) -> Response {
        let body: JSONValue = ["error": ["code": .int(Int64(code)), "message": .string(message), "status": .string(status)]]
        return jsonResponse(encode(body), status: .init(code: code))
    }
}
