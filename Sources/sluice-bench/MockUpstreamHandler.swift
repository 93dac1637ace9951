import NIOCore
import NIOHTTP1

/// Answers every `POST …/chat/completions` with a pre-encoded completion, or with the pre-encoded SSE
/// stream when the body asks for `"stream": true`; anything else gets a 404. Keeps connections alive
/// unless the client says otherwise.
///
/// Requests arrive decoded by `HTTPRequestDecoder`; responses leave as raw bytes, so there is no
/// response encoder in the pipeline and answering costs one write.
final class MockUpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    private let responses: MockResponses
    private var isChat = false
    private var keepAlive = true
    private var body: ByteBuffer

    init(responses: MockResponses) {
        self.responses = responses
        self.body = ByteBufferAllocator().buffer(capacity: 1024)
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
            let response: ByteBuffer
            if !isChat {
                response = responses.notFound
            } else if Self.asksToStream(body) {
                response = responses.stream
            } else {
                response = responses.completion
            }
            context.write(wrapOutboundOut(response), promise: nil)
            if !keepAlive {
                context.flush()
                context.close(promise: nil)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private static let streamKey: [UInt8] = Array(#""stream""#.utf8)
    private static let trueLiteral: [UInt8] = Array("true".utf8)

    /// Whether a JSON body contains `"stream"` followed by `:` and `true` (any whitespace between), as
    /// both compact encoders and Python's `json.dumps` write it.
    static func asksToStream(_ body: ByteBuffer) -> Bool {
        body.withUnsafeReadableBytes { bytes -> Bool in
            let key = streamKey
            let truth = trueLiteral
            guard bytes.count >= key.count + truth.count + 1 else { return false }
            var start = 0
            while start + key.count <= bytes.count {
                var matches = true
                for offset in 0..<key.count where bytes[start + offset] != key[offset] {
                    matches = false
                    break
                }
                if matches {
                    var cursor = start + key.count
                    while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
                    if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ":") {
                        cursor += 1
                        while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
                        if cursor + truth.count <= bytes.count,
                            (0..<truth.count).allSatisfy({ bytes[cursor + $0] == truth[$0] })
                        {
                            return true
                        }
                    }
                }
                start += 1
            }
            return false
        }
    }
}
