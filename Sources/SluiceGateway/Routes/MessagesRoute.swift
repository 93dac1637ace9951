import Foundation
import Hummingbird
import Logging
import NIOCore
import SluiceAPI
import SluiceProviders

/// `POST /v1/messages`: the Anthropic Messages API, translated to the canonical request, served by any
/// configured backend, and translated back (streamed as Anthropic events, or as one message).
struct MessagesRoute: Sendable {
    let responder: ChatResponder
    let maxBodyBytes: Int

    func handle(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: maxBodyBytes)
        let messages = try RequestBody.decode(AnthropicMessagesRequest.self, from: body)
        var chat = try AnthropicBridge.chatRequest(from: messages)
        try chat.validate()
        let provider = try responder.provider(for: chat)
        let providerContext = responder.providerContext(context)
        if chat.isStreaming {
            chat.streamOptions = StreamOptions(includeUsage: true)
            let stream = try await provider.stream(chat, context: providerContext)
            return Response(
                status: .ok,
                headers: responder.decisionHeaders(provider, contentType: "text/event-stream") + [.cacheControl: "no-cache"],
                body: anthropicStream(stream, model: messages.model, requestID: context.requestID, logger: context.logger))
        }
        let response = try await provider.complete(chat, context: providerContext)
        let translated = AnthropicBridge.messagesResponse(from: response, requestedModel: messages.model)
        return Response(
            status: .ok, headers: responder.decisionHeaders(provider, contentType: "application/json"),
            body: try JSONResponse.body(translated))
    }

    private func anthropicStream(_ stream: ChatStream, model: String, requestID: String, logger: Logger) -> ResponseBody {
        ResponseBody { writer in
            var encoder = AnthropicStreamEncoder(model: model, messageID: "msg_" + requestID.dropFirst(4), inputTokens: nil)
            do {
                for try await chunk in stream {
                    for event in encoder.events(for: chunk) {
                        try await writer.write(ByteBuffer(bytes: SSEEncoder.encode(event)))
                    }
                }
                for event in encoder.finish() {
                    try await writer.write(ByteBuffer(bytes: SSEEncoder.encode(event)))
                }
            } catch let error as ProviderError {
                logger.warning("stream failed upstream", metadata: ["error": "\(error)"])
                let event = AnthropicStreamEncoder.errorEvent(for: error.apiError)
                try await writer.write(ByteBuffer(bytes: SSEEncoder.encode(event)))
            }
            try await writer.finish(nil)
        }
    }
}
