import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A mock OpenAI-compatible upstream that answers each chat request after a fixed delay, like a model
/// that always takes that long, and counts the requests it answered.
///
/// The delay is a task scheduled on the connection's event loop, not a sleep, so one thread serves
/// any number of requests waiting at once. The answers are ``MockResponses``' (the same bytes as
/// ``MockUpstream``'s).
struct RoutingDelayedUpstream: Sendable {
    /// What the report calls it (`mock`, `cheap`).
    let name: String
    /// The port it listens on, on 127.0.0.1.
    let port: Int
    /// Chat requests answered so far.
    let answered: RoutingCounter
    private let channel: any Channel

    /// Starts listening on 127.0.0.1 on a free port.
    static func start(name: String, delay: TimeAmount, group: any EventLoopGroup) async throws -> RoutingDelayedUpstream {
        let responses = MockResponses()
        let answered = RoutingCounter()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try channel.pipeline.syncOperations.addHandler(
                        RoutingDelayedHandler(responses: responses, delay: delay, answered: answered))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else { throw BenchError("the \(name) mock upstream has no port") }
        return RoutingDelayedUpstream(name: name, port: port, answered: answered, channel: channel)
    }

    /// Stops listening.
    func stop() async throws {
        try await channel.close()
    }
}

/// A count shared between event loop threads and the bench.
final class RoutingCounter: Sendable {
    private let count = Atomic<Int>(0)

    func increment() {
        count.wrappingAdd(1, ordering: .relaxed)
    }

    var value: Int { count.load(ordering: .relaxed) }
}
