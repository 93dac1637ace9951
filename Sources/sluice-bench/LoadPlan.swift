import NIOCore

/// How long a load run lasts and how hard it pushes.
struct LoadPlan: Sendable {
    /// When each connection stops sending.
    enum Stop: Sendable {
        /// Every connection sends back to back until this much time has passed.
        case duration(TimeAmount)
        /// Every connection sends this many requests.
        case requestsPerConnection(Int)
    }

    var connections: Int
    var stop: Stop
    /// Whether to time the first body byte that carries an SSE `data:` line (streaming time to first byte).
    var measuresFirstByte: Bool = false
}
