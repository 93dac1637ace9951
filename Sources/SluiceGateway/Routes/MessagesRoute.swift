import Foundation
import Hummingbird
import Logging
import NIOCore
import SluiceAPI
import SluiceLedger
import SluiceProviders

/// `POST /v1/messages`: the Anthropic Messages API, translated to the canonical request, served by any
/// configured backend, and translated back (streamed as Anthropic events, or as one message).
struct MessagesRoute: Sendable {
    let responder: ChatResponder
    let maxBodyBytes: Int

    func handle(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let key = try await responder.authenticate(request)
        let body = try await RequestBody.collect(request, limit: maxBodyBytes)
        let messages = try RequestBody.decode(AnthropicMessagesRequest.self, from: body)
        var chat = try AnthropicBridge.chatRequest(from: messages)
        try chat.validate()
        var plan = try responder.plan(chat, key: key, request: request)
        var account = try await responder.openAccount(key: key, chat: &chat, plan: plan, context: context)
        if chat.isStreaming {
            chat.streamOptions = StreamOptions(includeUsage: true)
            let stream = try await responder.stream(chat, plan: &plan, account: &account, context: context)
            return Response(
                status: .ok,
                headers: responder.decisionHeaders(plan, contentType: "text/event-stream", logger: context.logger)
                    + [.cacheControl: "no-cache"],
                body: anthropicStream(
                    stream, model: messages.model, requestID: context.requestID, logger: context.logger, account: account))
        }
        let response = try await responder.complete(chat, plan: &plan, account: &account, context: context)
        let cost = try await account?.close(status: 200, usage: response.usage)
        let translated = AnthropicBridge.messagesResponse(from: response, requestedModel: messages.model)
        return Response(
            status: .ok,
            headers: responder.decisionHeaders(plan, contentType: "application/json", cost: cost, logger: context.logger),
            body: try JSONResponse.body(translated))
    }

    /// Anthropic events as chunks arrive. With a ledger, the closing events (`message_delta` with the
    /// usage, `message_stop`) go out only after the usage record is durable.
    private func anthropicStream(
        _ stream: ChatStream, model: String, requestID: String, logger: Logger, account: RequestAccounting?
    ) -> ResponseBody {
        ResponseBody { writer in
            var encoder = AnthropicStreamEncoder(model: model, messageID: "msg_" + requestID.dropFirst(4), inputTokens: nil)
            var tally = StreamAccount(account)
            do {
                for try await chunk in stream {
                    tally.saw(chunk)
                    for event in encoder.events(for: chunk) {
                        try await writer.write(ByteBuffer(bytes: SSEEncoder.encode(event)))
                    }
                }
                _ = try await tally.finished()
                for event in encoder.finish() {
                    try await writer.write(ByteBuffer(bytes: SSEEncoder.encode(event)))
                }
            } catch let error as ProviderError {
                logger.warning("stream failed upstream", metadata: ["error": "\(error)"])
                try await tally.failed(error.apiError)
                let event = AnthropicStreamEncoder.errorEvent(for: error.apiError)
                try await writer.write(ByteBuffer(bytes: SSEEncoder.encode(event)))
            } catch {
                await tally.abandoned()
                throw error
            }
            try await writer.finish(nil)
        }
    }
}
