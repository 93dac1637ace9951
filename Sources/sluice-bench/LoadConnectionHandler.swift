import NIOCore
import NIOHTTP1

/// One closed-loop client connection: sends the request, waits for the whole response, records it, and
/// sends the next, until the plan says stop; then closes and fulfils its promise with what it measured.
final class LoadConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let request: LoadRequest
    private let head: HTTPRequestHead
    private let stop: LoadPlan.Stop
    private let measuresFirstByte: Bool
    private let runStart: NIODeadline
    private let done: EventLoopPromise<LoadResult>

    private var result = LoadResult()
    private var sent = 0
    private var sentAt: NIODeadline = .now()
    private var status: HTTPResponseStatus = .ok
    private var sawFirstByte = false
    private var finished = false

    init(request: LoadRequest, plan: LoadPlan, runStart: NIODeadline, done: EventLoopPromise<LoadResult>) {
        self.request = request
        self.head = HTTPRequestHead(
            version: .http1_1, method: request.method, uri: request.path, headers: request.headers)
        self.stop = plan.stop
        self.measuresFirstByte = plan.measuresFirstByte
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
        case .body(let part):
            if measuresFirstByte, !sawFirstByte, Self.containsData(part) {
                sawFirstByte = true
                result.firstByte.record(nanoseconds: Self.nanoseconds(from: sentAt, to: .now()))
            }
        case .end:
            let now = NIODeadline.now()
            if status == .ok {
                result.completed += 1
                result.latency.record(nanoseconds: Self.nanoseconds(from: sentAt, to: now))
            } else {
                result.errors += 1
            }
            result.elapsedNanoseconds = Self.nanoseconds(from: runStart, to: now)
            if shouldContinue(now: now) {
                send(context: context)
            } else {
                finish(context: context)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished {
            result.errors += 1
            finished = true
            done.succeed(result)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func send(context: ChannelHandlerContext) {
        sent += 1
        status = .ok
        sawFirstByte = false
        sentAt = .now()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = request.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func shouldContinue(now: NIODeadline) -> Bool {
        switch stop {
        case .duration(let duration): return now < runStart + duration
        case .requestsPerConnection(let count): return sent < count
        }
    }

    private func finish(context: ChannelHandlerContext) {
        finished = true
        done.succeed(result)
        context.close(promise: nil)
    }

    static func nanoseconds(from start: NIODeadline, to end: NIODeadline) -> UInt64 {
        end > start ? end.uptimeNanoseconds - start.uptimeNanoseconds : 0
    }

    /// Whether a body part contains `data:`, the start of an SSE event.
    static func containsData(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { bytes -> Bool in
            guard bytes.count >= 5 else { return false }
            for index in 0...(bytes.count - 5)
            where bytes[index] == UInt8(ascii: "d") && bytes[index + 1] == UInt8(ascii: "a")
                && bytes[index + 2] == UInt8(ascii: "t") && bytes[index + 3] == UInt8(ascii: "a")
                && bytes[index + 4] == UInt8(ascii: ":")
            {
                return true
            }
            return false
        }
    }
}
