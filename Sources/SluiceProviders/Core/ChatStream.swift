import SluiceAPI

/// A single-pass stream of canonical chunks coming from a provider.
///
/// It is pulled by the consumer: nothing is read from the upstream until the consumer asks, so a
/// slow client slows the upstream instead of filling memory, and dropping the iterator (for example
/// because the client disconnected) releases the upstream response, which cancels it.
public struct ChatStream: AsyncSequence, Sendable {
    public typealias Element = ChatChunk

    private let makeSource: @Sendable () -> any ChunkSource

    /// A stream whose chunks come from a source made on first iteration.
    public init(_ makeSource: @escaping @Sendable () -> any ChunkSource) {
        self.makeSource = makeSource
    }

    /// A stream over chunks already in hand.
    public init(chunks: [ChatChunk]) {
        self.init { ArrayChunkSource(chunks: chunks) }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: makeSource())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let source: any ChunkSource

        public mutating func next() async throws -> ChatChunk? {
            try await source.next()
        }
    }
}

/// Produces the chunks of a ``ChatStream``. Implementations hold the upstream response and the
/// translation state; `next()` is only ever called by one task at a time.
public protocol ChunkSource: AnyObject {
    /// The next chunk, or `nil` at the end of the stream.
    func next() async throws -> ChatChunk?
}

final class ArrayChunkSource: ChunkSource {
    private var chunks: [ChatChunk]
    private var position = 0

    init(chunks: [ChatChunk]) { self.chunks = chunks }

    func next() async throws -> ChatChunk? {
        guard position < chunks.count else { return nil }
        defer { position += 1 }
        return chunks[position]
    }
}
