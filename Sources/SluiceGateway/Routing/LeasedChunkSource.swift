import SluiceAPI
import SluiceProviders

/// The chunks of a stream that has already produced its first chunk (held here), with the upstream's
/// total deadline applied to every later chunk, and the lease given back when the stream ends, fails,
/// or is dropped.
final class LeasedChunkSource: ChunkSource {
    private var first: ChatChunk?
    private let upstream: IteratorBox
    private let lease: UpstreamLease
    private let deadline: ContinuousClock.Instant
    private let name: String
    /// The tokens the stream's usage chunk reported, for the admission gate's window.
    private var usedTokens: Int?

    init(first: ChatChunk?, upstream: IteratorBox, lease: UpstreamLease, deadline: ContinuousClock.Instant, name: String) {
        self.first = first
        self.upstream = upstream
        self.lease = lease
        self.deadline = deadline
        self.name = name
    }

    func next() async throws -> ChatChunk? {
        if let first {
            self.first = nil
            usedTokens = first.usage?.totalTokens ?? usedTokens
            return first
        }
        do {
            let upstream = self.upstream
            let chunk = try await Deadline.race(until: deadline, upstream: name, what: "the stream ran past its total timeout") {
                try await upstream.next()
            }
            if let usage = chunk?.usage { usedTokens = usage.totalTokens }
            if chunk == nil { lease.end(success: true, actualTokens: usedTokens) }
            return chunk
        } catch {
            lease.end(success: false)
            throw error
        }
    }
}

/// A stream's iterator, handed to the one task at a time that pulls it (the deadline race's child task
/// while the writer waits). It is never used by two tasks at once.
final class IteratorBox: @unchecked Sendable {
    private var iterator: ChatStream.AsyncIterator

    init(_ stream: ChatStream) {
        self.iterator = stream.makeAsyncIterator()
    }

    func next() async throws -> ChatChunk? {
        try await iterator.next()
    }
}
