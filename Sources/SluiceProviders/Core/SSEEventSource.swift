import AsyncHTTPClient
import NIOCore
import SluiceAPI

/// Reads Server-Sent Events from an upstream response body as they arrive.
public final class SSEEventSource {
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var decoder = SSEDecoder()
    private var pending: [SSEEvent] = []
    private var position = 0
    private var finished = false
    private let upstream: String

    public init(response: HTTPClientResponse, upstream: String) {
        self.body = response.body.makeAsyncIterator()
        self.upstream = upstream
    }

    /// The next event, or `nil` when the body ends.
    public func next() async throws -> SSEEvent? {
        while true {
            if position < pending.count {
                defer { position += 1 }
                return pending[position]
            }
            if finished { return nil }
            pending.removeAll(keepingCapacity: true)
            position = 0
            let buffer: ByteBuffer?
            do {
                buffer = try await body.next()
            } catch {
                throw UpstreamHTTP.map(error, upstream: upstream)
            }
            guard let buffer else {
                finished = true
                if let last = decoder.finish() { pending.append(last) }
                continue
            }
            buffer.withUnsafeReadableBytes { pending.append(contentsOf: decoder.feed($0)) }
        }
    }
}
