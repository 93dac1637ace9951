import Foundation
import Hummingbird
import Logging
import NIOCore
import SluiceAPI
import SluiceProviders

/// `POST /v1/chat/completions`, streamed and not.
struct ChatCompletionsRoute: Sendable {
    let responder: ChatResponder
    let maxBodyBytes: Int

    func handle(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: maxBodyBytes)
        let chat = try RequestBody.decode(ChatRequest.self, from: body)
        try chat.validate()
        let provider = try responder.provider(for: chat)
        let providerContext = responder.providerContext(context)
        if chat.isStreaming {
            let stream = try await provider.stream(chat, context: providerContext)
            return Response(
                status: .ok,
                headers: responder.decisionHeaders(provider, contentType: "text/event-stream")
                    + [.cacheControl: "no-cache"],
                body: OpenAIStreamWriter(
                    stream: stream, includeUsage: chat.includeUsageInStream, logger: context.logger,
                    model: provider.endpoint.name
                ).body())
        }
        let response = try await provider.complete(chat, context: providerContext)
        if let usage = response.usage {
            context.logger.info(
                "completed",
                metadata: ["model": "\(provider.endpoint.name)", "prompt_tokens": "\(usage.promptTokens)",
                           "completion_tokens": "\(usage.completionTokens)", "cached_tokens": "\(usage.cachedTokens)"])
        }
        return Response(
            status: .ok, headers: responder.decisionHeaders(provider, contentType: "application/json"),
            body: try JSONResponse.body(response))
    }
}

extension HTTPFields {
    static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var result = lhs
        result.append(contentsOf: rhs)
        return result
    }
}
