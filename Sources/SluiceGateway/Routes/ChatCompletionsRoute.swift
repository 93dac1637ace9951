import Foundation
import Hummingbird
import Logging
import NIOCore
import SluiceAPI
import SluiceLedger
import SluiceProviders

/// `POST /v1/chat/completions`, streamed and not.
struct ChatCompletionsRoute: Sendable {
    let responder: ChatResponder
    let maxBodyBytes: Int

    func handle(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let key = try await responder.authenticate(request)
        let body = try await RequestBody.collect(request, limit: maxBodyBytes)
        var chat = try RequestBody.decode(ChatRequest.self, from: body)
        try chat.validate()
        var plan = try responder.plan(chat, key: key, request: request)
        var cacheKey: CacheKey?
        if let caching = responder.caching, ResponseCaching.applies(to: chat, key: key) {
            let fingerprint = try caching.key(for: chat, model: chat.model, key: key)
            if let cached = caching.cache.get(fingerprint) {
                return try await cachedResponse(cached, key: key, chat: &chat, plan: plan, context: context)
            }
            cacheKey = fingerprint
        }
        var account = try await responder.openAccount(key: key, chat: &chat, plan: plan, context: context)
        if chat.isStreaming {
            let stream = try await responder.stream(chat, plan: &plan, account: &account, context: context)
            return Response(
                status: .ok,
                headers: responder.decisionHeaders(plan, contentType: "text/event-stream", logger: context.logger)
                    + [.cacheControl: "no-cache"],
                body: OpenAIStreamWriter(
                    stream: stream, includeUsage: chat.includeUsageInStream, logger: context.logger,
                    model: plan.answeredBy, account: account
                ).body())
        }
        let response = try await responder.complete(chat, plan: &plan, account: &account, context: context)
        if let usage = response.usage {
            context.logger.info(
                "completed",
                metadata: ["model": "\(plan.answeredBy)", "prompt_tokens": "\(usage.promptTokens)",
                           "completion_tokens": "\(usage.completionTokens)", "cached_tokens": "\(usage.cachedTokens)"])
        }
        let cost = try await account?.close(status: 200, usage: response.usage)
        let data = try JSONEncoder().encode(response)
        var headers = responder.decisionHeaders(plan, contentType: "application/json", cost: cost, logger: context.logger)
        if let cacheKey, let caching = responder.caching {
            _ = caching.cache.put(cacheKey, value: Array(data))
            headers[.sluiceCache] = "miss"
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Answers from the response cache: no upstream call and no cost, but the request still counts
    /// against the key's rate limits and is recorded (as a cache hit) in the ledger.
    private func cachedResponse(
        _ cached: [UInt8], key: VirtualKey?, chat: inout ChatRequest, plan: RoutePlan, context: SluiceRequestContext
    ) async throws -> Response {
        let account = try await responder.openAccount(
            key: key, chat: &chat, plan: plan, context: context, reserveBudget: false)
        let usage = try? JSONDecoder().decode(ChatResponse.self, from: Data(cached)).usage
        let cost = try await account?.close(status: 200, usage: usage, cacheHit: true)
        var headers = responder.decisionHeaders(plan, contentType: "application/json", cost: cost, logger: context.logger)
        headers[.sluiceCache] = "hit"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: cached)))
    }
}

extension HTTPFields {
    static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var result = lhs
        result.append(contentsOf: rhs)
        return result
    }
}
