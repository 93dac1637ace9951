import NIOConcurrencyHelpers

/// What a fake upstream received, for tests to inspect after the call.
public final class RecordedRequests: Sendable {
    /// One received request: path, headers (lower-cased names), and body.
    public struct Entry: Sendable {
        public var path: String
        public var headers: [String: String]
        public var body: [UInt8]

        /// The body as text.
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    private let storage = NIOLockedValueBox<[Entry]>([])
    private let cancelled = NIOLockedValueBox<Int>(0)

    /// Streams whose client went away before the fake finished writing.
    public var cancelledStreams: Int { cancelled.withLockedValue { $0 } }

    /// Notes that a stream's client went away.
    public func noteCancelledStream() {
        cancelled.withLockedValue { $0 += 1 }
    }

    public init() {}

    /// Adds a request.
    public func append(_ entry: Entry) {
        storage.withLockedValue { $0.append(entry) }
    }

    /// Everything received so far.
    public var all: [Entry] { storage.withLockedValue { $0 } }

    /// The most recent request.
    public var last: Entry? { storage.withLockedValue { $0.last } }
}
