import NIOCore
import NIOHTTP1
import NIOPosix

/// Sends one request on a fresh connection and returns the response's status and headers, to show
/// which way the gateway routed the bench's requests (`x-sluice-model`, `x-sluice-route-reason`).
enum RoutingProbe {
    static func send(_ request: LoadRequest, host: String, port: Int, group: any EventLoopGroup) async throws -> HTTPResponseHead {
        let promise = group.next().makePromise(of: HTTPResponseHead.self)
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(RoutingProbeHandler(request: request, done: promise))
                }
            }
            .connect(host: host, port: port)
            .get()
        defer { channel.close(promise: nil) }
        return try await promise.futureResult.get()
    }
}

/// Writes the request when the connection opens and fulfils its promise with the response head once the
/// whole response has arrived.
final class RoutingProbeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let request: LoadRequest
    private let done: EventLoopPromise<HTTPResponseHead>
    private var head: HTTPResponseHead?

    init(request: LoadRequest, done: EventLoopPromise<HTTPResponseHead>) {
        self.request = request
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        let head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.path, headers: request.headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = request.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let responseHead): head = responseHead
        case .body: break
        case .end:
            if let head { done.succeed(head) } else { done.fail(BenchError("a response without a head")) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.fail(BenchError("the connection closed before the response ended"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        done.fail(error)
        context.close(promise: nil)
    }
}
