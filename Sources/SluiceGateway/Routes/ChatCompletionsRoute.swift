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
        let provider = try responder.provider(for: chat)
        let route = chat.model
        var cacheKey: CacheKey?
        if let caching = responder.caching, ResponseCaching.applies(to: chat, key: key) {
            let fingerprint = try caching.key(for: chat, model: provider.endpoint.name, key: key)
            if let cached = caching.cache.get(fingerprint) {
                return try await cachedResponse(cached, key: key, chat: &chat, route: route, provider: provider, context: context)
            }
            cacheKey = fingerprint
        }
        let account = try await responder.openAccount(
            key: key, chat: &chat, route: route, provider: provider, context: context)
        if chat.isStreaming {
            let stream = try await responder.stream(chat, provider: provider, account: account, context: context)
            return Response(
                status: .ok,
                headers: responder.decisionHeaders(provider, contentType: "text/event-stream")
                    + [.cacheControl: "no-cache"],
                body: OpenAIStreamWriter(
                    stream: stream, includeUsage: chat.includeUsageInStream, logger: context.logger,
                    model: provider.endpoint.name, account: account
                ).body())
        }
        let response = try await responder.complete(chat, provider: provider, account: account, context: context)
        if let usage = response.usage {
            context.logger.info(
                "completed",
                metadata: ["model": "\(provider.endpoint.name)", "prompt_tokens": "\(usage.promptTokens)",
                           "completion_tokens": "\(usage.completionTokens)", "cached_tokens": "\(usage.cachedTokens)"])
        }
        let cost = try await account?.close(status: 200, usage: response.usage)
        let data = try JSONEncoder().encode(response)
        var headers = responder.decisionHeaders(provider, contentType: "application/json", cost: cost)
        if let cacheKey, let caching = responder.caching {
            _ = caching.cache.put(cacheKey, value: Array(data))
            headers[.sluiceCache] = "miss"
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Answers from the response cache: no upstream call and no cost, but the request still counts
    /// against the key's rate limits and is recorded (as a cache hit) in the ledger.
    private func cachedResponse(
        _ cached: [UInt8], key: VirtualKey?, chat: inout ChatRequest, route: String, provider: any ChatProvider,
        context: SluiceRequestContext
    ) async throws -> Response {
        let account = try await responder.openAccount(
            key: key, chat: &chat, route: route, provider: provider, context: context, reserveBudget: false)
        let usage = try? JSONDecoder().decode(ChatResponse.self, from: Data(cached)).usage
        let cost = try await account?.close(status: 200, usage: usage, cacheHit: true)
        var headers = responder.decisionHeaders(provider, contentType: "application/json", cost: cost)
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
