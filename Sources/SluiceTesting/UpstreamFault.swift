import NIOConcurrencyHelpers

/// A failure a fake upstream plays, whatever the request says (see ``FaultPlan``).
public enum UpstreamFault: Sendable, Hashable {
    /// Answer normally.
    case none
    /// Answer with this status in OpenAI's error shape, with `Retry-After` when given.
    case status(Int, retryAfter: String? = nil)
    /// Never answer: hold the request until the client gives up (or the plan changes).
    case hang
    /// Wait this long before sending the response head.
    case slowHead(Duration)
    /// Send the head at once, then wait this long before the first byte of the body.
    case slowFirstByte(Duration)
    /// Send the first piece of the body (the first SSE event of a stream), then break the connection.
    case cutMidStream
}

/// What a fake upstream does next: a queue of one-shot faults played in order, then a steady fault
/// for every request after them. Also counts the requests that reached it.
public final class FaultPlan: Sendable {
    private struct State {
        var queued: [UpstreamFault] = []
        var steady: UpstreamFault
        var hits = 0
        var generation = 0
    }

    private let state: NIOLockedValueBox<State>

    public init(_ steady: UpstreamFault = .none) {
        state = NIOLockedValueBox(State(steady: steady))
    }

    /// Sets the fault for every request from now on (and drops queued ones). Requests that hang are let go.
    public func set(_ fault: UpstreamFault) {
        state.withLockedValue {
            $0.queued = []
            $0.steady = fault
            $0.generation += 1
        }
    }

    /// The next requests play these faults, one each, before the steady fault applies again.
    public func queue(_ faults: [UpstreamFault]) {
        state.withLockedValue { $0.queued += faults }
    }

    /// Requests that reached the upstream.
    public var hits: Int { state.withLockedValue { $0.hits } }

    /// Counts a request and returns its fault and the plan's generation.
    func next() -> (UpstreamFault, Int) {
        state.withLockedValue {
            $0.hits += 1
            let fault = $0.queued.isEmpty ? $0.steady : $0.queued.removeFirst()
            return (fault, $0.generation)
        }
    }

    /// Whether the plan was changed since `generation`.
    func changed(since generation: Int) -> Bool {
        state.withLockedValue { $0.generation != generation }
    }
}
