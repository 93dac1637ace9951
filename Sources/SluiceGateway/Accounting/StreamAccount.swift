import SluiceAPI
import SluiceLedger

/// A streamed answer's ledger account: what the stream has shown so far (its usage, when the first
/// chunk came), closed exactly once, whichever way the stream ends.
struct StreamAccount: Sendable {
    let account: RequestAccounting?
    /// The usage the upstream reported, once it has.
    private(set) var usage: Usage?
    private var firstByte: ContinuousClock.Instant?
    private var closed: Bool

    init(_ account: RequestAccounting?) {
        self.account = account
        self.closed = account == nil
    }

    /// Notes a chunk on its way to the caller.
    mutating func saw(_ chunk: ChatChunk) {
        if firstByte == nil { firstByte = .now }
        if let chunkUsage = chunk.usage { usage = chunkUsage }
    }

    /// The stream ended normally: records it, and returns the cost.
    mutating func finished() async throws -> Money? {
        closed = true
        return try await account?.close(status: 200, usage: usage, firstByte: firstByte)
    }

    /// The upstream failed mid-stream: records the error status (no charge unless usage arrived).
    mutating func failed(_ error: APIError) async throws {
        closed = true
        _ = try await account?.close(status: error.status, usage: usage, firstByte: firstByte)
    }

    /// The caller went away (or a write or the ledger failed) before the account was closed. The upstream
    /// may have charged without saying how much, so without usage the request is charged its
    /// reservation ceiling. Nothing is thrown: the stream is already failing.
    mutating func abandoned() async {
        guard !closed else { return }
        closed = true
        _ = try? await account?.close(status: 499, usage: usage, clientGone: usage == nil, firstByte: firstByte)
    }
}
