import NIOCore
import NIOHTTP1

/// Answers every `POST …/chat/completions` after ``delay`` with ``MockResponses``' completion (or its
/// SSE stream when the body asks for `"stream": true`); anything else gets a 404 at once. One request
/// at a time per connection, as HTTP/1.1 clients without pipelining send them.
final class RoutingDelayedHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    private let responses: MockResponses
    private let delay: TimeAmount
    private let answered: RoutingCounter
    private var isChat = false
    private var keepAlive = true
    private var body: ByteBuffer

    init(responses: MockResponses, delay: TimeAmount, answered: RoutingCounter) {
        self.responses = responses
        self.delay = delay
        self.answered = answered
        self.body = ByteBufferAllocator().buffer(capacity: 2048)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            isChat = head.method == .POST && head.uri.hasSuffix("/chat/completions")
            keepAlive = head.isKeepAlive
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            let keepAlive = keepAlive
            guard isChat else {
                answer(responses.notFound, isChat: false, keepAlive: keepAlive, context: context)
                return
            }
            let response = MockUpstreamHandler.asksToStream(body) ? responses.stream : responses.completion
            if delay <= .zero {
                answer(response, isChat: true, keepAlive: keepAlive, context: context)
            } else {
                context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
                    answer(response, isChat: true, keepAlive: keepAlive, context: context)
                }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Writes a whole response, counting chat answers, and closes unless the client keeps alive.
    private func answer(_ response: ByteBuffer, isChat: Bool, keepAlive: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        if isChat { answered.increment() }
        context.writeAndFlush(wrapOutboundOut(response), promise: nil)
        if !keepAlive { context.close(promise: nil) }
    }
}
