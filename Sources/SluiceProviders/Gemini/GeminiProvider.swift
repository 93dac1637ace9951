import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SluiceAPI

/// Google's Gemini API: `POST {base}/models/{model}:generateContent` and
/// `:streamGenerateContent?alt=sse`, authenticated with `x-goog-api-key`.
///
/// The base URL defaults to ``defaultBaseURL``. The canonical request is translated by
/// ``GeminiRequestTranslator`` and the answers by ``GeminiResponseTranslator`` and
/// ``GeminiStreamTranslator``; their doc comments list every mapping. The endpoint's `extra_body`
/// members are merged into the Gemini request (objects member by member, the request's own values
/// winning), which is how `safetySettings` or a `thinkingConfig.thinkingLevel` can be configured.
///
/// Not supported, rejected with 400 `unsupported_parameter` by ``check(_:)``: `logit_bias`, and content
/// parts other than text, images, audio, and `data:` files. Ignored: `parallel_tool_calls` (Gemini has
/// no switch for it), `user`, `metadata`, and unmodelled members other than `top_k` (→ `topK`).
public struct GeminiProvider: ChatProvider {
    /// Where the Gemini API lives when the endpoint names no base URL.
    public static let defaultBaseURL = "https://generativelanguage.googleapis.com/v1beta"

    public let endpoint: ModelEndpoint
    private let http: UpstreamHTTP

    public init(endpoint: ModelEndpoint, http: UpstreamHTTP) {
        self.endpoint = endpoint
        self.http = http
    }

    public func check(_ request: ChatRequest) throws(ProviderError) {
        if let bias = request.logitBias, !bias.isEmpty {
            throw .badRequest(.unsupportedParameter("logit_bias", "Gemini models do not support 'logit_bias'."))
        }
        _ = try GeminiRequestTranslator.translate(request)
    }

    public func complete(_ request: ChatRequest, context: RequestContext) async throws -> ChatResponse {
        try check(request)
        let response = try await send(request, method: "generateContent", context: context)
        let bytes = try await UpstreamHTTP.collect(response.body, limit: 64 << 20, upstream: endpoint.name)
        let gemini: GeminiResponse
        do {
            gemini = try JSONDecoder().decode(GeminiResponse.self, from: Data(bytes))
        } catch {
            throw ProviderError.invalidResponse(upstream: endpoint.name, message: "undecodable GenerateContentResponse: \(error)")
        }
        return try GeminiResponseTranslator.response(gemini, model: endpoint.upstreamModel, upstream: endpoint.name)
    }

    /// Streams the answer. The first event is read before returning, so that a prompt blocked by
    /// Gemini's filters, or an error sent in-band, is thrown by this call rather than by the stream.
    public func stream(_ request: ChatRequest, context: RequestContext) async throws -> ChatStream {
        try check(request)
        let response = try await send(request, method: "streamGenerateContent", context: context)
        let source = GeminiChunkSource(
            events: SSEEventSource(response: response, upstream: endpoint.name),
            translator: GeminiStreamTranslator(upstream: endpoint.name, fallbackModel: endpoint.upstreamModel))
        try await source.prime()
        let slot = GeminiSourceSlot(source)
        return ChatStream { slot.take() }
    }

    /// The URL of a Gemini method for this endpoint's model.
    func url(method: String) -> String {
        var base = endpoint.baseURL.isEmpty ? Self.defaultBaseURL : endpoint.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var model = endpoint.upstreamModel
        if model.hasPrefix("models/") { model.removeFirst(7) }
        let query = method == "streamGenerateContent" ? "?alt=sse" : ""
        return "\(base)/models/\(model):\(method)\(query)"
    }

    /// The request body: the translated request with the endpoint's `extra_body` merged in.
    func body(for request: ChatRequest) throws(ProviderError) -> ByteBuffer {
        let gemini = try GeminiRequestTranslator.translate(request)
        do {
            var data = try JSONEncoder().encode(gemini)
            if !endpoint.extraBody.isEmpty {
                let value = try JSONDecoder().decode(JSONValue.self, from: data)
                data = try JSONEncoder().encode(Self.merge(.object(endpoint.extraBody), under: value))
            }
            return ByteBuffer(bytes: data)
        } catch {
            throw .badRequest(.invalidRequest("The request could not be encoded for Gemini: \(error)"))
        }
    }

    /// `base` with `defaults` filled in where it has no value; objects are merged member by member.
    static func merge(_ defaults: JSONValue, under base: JSONValue) -> JSONValue {
        guard case .object(var result) = base, case .object(let extra) = defaults else { return base }
        for (key, value) in extra {
            result[key] = result[key].map { merge(value, under: $0) } ?? value
        }
        return .object(result)
    }

    private func send(_ request: ChatRequest, method: String, context: RequestContext) async throws -> HTTPClientResponse {
        let payload = try body(for: request)
        var headers = HTTPHeaders()
        if let key = endpoint.apiKey, !key.isEmpty { headers.add(name: "x-goog-api-key", value: key) }
        headers.add(name: "accept", value: method == "streamGenerateContent" ? "text/event-stream" : "application/json")
        let name = endpoint.name
        return try await http.post(
            url: url(method: method), headers: headers, body: payload, endpoint: endpoint, logger: context.logger,
            parseError: { status, bytes in GeminiErrors.parse(upstream: name, status: status, body: bytes) })
    }
}

/// Reading Google's error shape.
enum GeminiErrors {
    /// Parses `{"error":{"code","message","status","details"}}` (or a one-element array of it, as
    /// `streamGenerateContent` without SSE sends). `RESOURCE_EXHAUSTED` becomes `rate_limit_error`,
    /// `INVALID_ARGUMENT` and `FAILED_PRECONDITION` `invalid_request_error`; the Google status is kept as
    /// the code. A `RetryInfo` detail's `retryDelay` becomes the retry-after seconds.
    static func parse(upstream: String, status: Int, body: [UInt8]) -> UpstreamFailure {
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(GeminiErrorEnvelope.self, from: Data(body)) {
            return failure(envelope.error, status: status, upstream: upstream)
        }
        if let envelopes = try? decoder.decode([GeminiErrorEnvelope].self, from: Data(body)), let first = envelopes.first {
            return failure(first.error, status: status, upstream: upstream)
        }
        let text = String(decoding: body.prefix(2000), as: UTF8.self)
        return UpstreamFailure(upstream: upstream, status: status, message: text.isEmpty ? "HTTP \(status)" : text)
    }

    /// The failure an error object stands for; `status` is the HTTP status, or `nil` to use the
    /// object's own `code` (errors sent inside a stream).
    static func failure(_ error: GeminiErrorBody, status: Int?, upstream: String) -> UpstreamFailure {
        let code = status ?? error.code.flatMap { (400..<600).contains($0) ? $0 : nil } ?? 502
        let type: String?
        switch error.status {
        case "RESOURCE_EXHAUSTED": type = "rate_limit_error"
        case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE": type = "invalid_request_error"
        default: type = nil
        }
        return UpstreamFailure(
            upstream: upstream, status: code, message: error.message ?? "HTTP \(code)", type: type, code: error.status,
            retryAfter: retryDelay(error.details ?? []))
    }

    /// Whole seconds (rounded up) of the first `google.rpc.RetryInfo` detail, such as `"7s"` or `"1.5s"`.
    static func retryDelay(_ details: [JSONValue]) -> String? {
        for detail in details where detail["@type"]?.stringValue?.hasSuffix("google.rpc.RetryInfo") == true {
            guard var text = detail["retryDelay"]?.stringValue, text.hasSuffix("s") else { continue }
            text.removeLast()
            if let seconds = Double(text) { return String(Int(seconds.rounded(.up))) }
        }
        return nil
    }
}

/// Pulls SSE events from the upstream and hands out the canonical chunks they translate to.
final class GeminiChunkSource: ChunkSource {
    private let events: SSEEventSource
    private var translator: GeminiStreamTranslator
    private let decoder = JSONDecoder()
    private var pending: [ChatChunk] = []
    private var position = 0
    private var ended = false

    init(events: SSEEventSource, translator: GeminiStreamTranslator) {
        self.events = events
        self.translator = translator
    }

    /// Reads and translates the first event, throwing what it reports (errors, a blocked prompt).
    func prime() async throws {
        try await refill()
    }

    func next() async throws -> ChatChunk? {
        while position >= pending.count {
            if ended { return nil }
            try await refill()
        }
        defer { position += 1 }
        return pending[position]
    }

    private func refill() async throws {
        pending.removeAll(keepingCapacity: true)
        position = 0
        guard let event = try await events.next() else {
            ended = true
            pending = try translator.finish()
            return
        }
        if event.data.isEmpty { return }
        let response: GeminiResponse
        do {
            response = try decoder.decode(GeminiResponse.self, from: Data(event.data.utf8))
        } catch {
            throw ProviderError.invalidResponse(
                upstream: translator.upstream, message: "undecodable stream event: \(String(event.data.prefix(200)))")
        }
        pending = try translator.chunks(for: response)
    }
}

/// Hands the primed source to the stream's first iteration and lets go of it, so that dropping the
/// iterator releases the upstream response (which cancels it) even while the stream value lives on.
/// A second iteration gets an empty stream.
private final class GeminiSourceSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var source: GeminiChunkSource?

    init(_ source: GeminiChunkSource) { self.source = source }

    func take() -> any ChunkSource {
        lock.lock()
        defer { lock.unlock() }
        let taken = source
        source = nil
        return taken ?? ArrayChunkSource(chunks: [])
    }
}
