import NIOCore
import NIOHTTP1

/// One paced closed-loop client connection of a peak run: sends the request, waits for the whole
/// response, records it by status (and whether `x-sluice-downgraded` came back), and sends the next
/// one no sooner than ``pace`` after the previous one was sent, until the run's time is up.
///
/// The pace keeps the offered load fixed: a request turned away at once does not make its connection
/// send faster than one that was served.
final class RoutingLoadHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let request: LoadRequest
    private let head: HTTPRequestHead
    private let duration: TimeAmount
    private let pace: TimeAmount
    private let runStart: NIODeadline
    private let done: EventLoopPromise<RoutingTally>

    private var tally = RoutingTally()
    private var sentAt: NIODeadline = .now()
    private var status: HTTPResponseStatus = .ok
    private var downgraded = false
    private var finished = false

    init(request: LoadRequest, duration: TimeAmount, pace: TimeAmount, runStart: NIODeadline, done: EventLoopPromise<RoutingTally>) {
        self.request = request
        self.head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.path, headers: request.headers)
        self.duration = duration
        self.pace = pace
        self.runStart = runStart
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let responseHead):
            status = responseHead.status
            downgraded = responseHead.headers.contains(name: "x-sluice-downgraded")
        case .body:
            break
        case .end:
            let now = NIODeadline.now()
            let took = LoadConnectionHandler.nanoseconds(from: sentAt, to: now)
            switch status.code {
            case 200:
                tally.ok += 1
                if downgraded { tally.downgraded += 1 }
                tally.latency.record(nanoseconds: took)
            case 429:
                tally.shed += 1
                tally.shedLatency.record(nanoseconds: took)
            default:
                tally.otherStatus += 1
            }
            tally.elapsedNanoseconds = LoadConnectionHandler.nanoseconds(from: runStart, to: now)
            let next = sentAt + pace
            if max(next, now) >= runStart + duration {
                finish(context: context)
            } else if next <= now {
                send(context: context)
            } else {
                context.eventLoop.assumeIsolated().scheduleTask(deadline: next) { [self] in
                    if !finished { send(context: context) }
                }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished {
            tally.broken += 1
            finished = true
            done.succeed(tally)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func send(context: ChannelHandlerContext) {
        status = .ok
        downgraded = false
        sentAt = .now()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = request.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func finish(context: ChannelHandlerContext) {
        finished = true
        done.succeed(tally)
        context.close(promise: nil)
    }
}
