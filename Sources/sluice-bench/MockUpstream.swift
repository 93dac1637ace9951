import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal, fast OpenAI-compatible upstream on SwiftNIO, for measuring what a gateway adds.
///
/// It runs in the bench's process on its own one-thread event loop group, so it takes at most one of
/// the machine's cores, and it does no JSON work per request (see ``MockUpstreamHandler``).
struct MockUpstream: Sendable {
    /// The port it listens on, on 127.0.0.1.
    let port: Int
    private let channel: any Channel

    /// Starts listening on 127.0.0.1 on a free port.
    static func start(group: any EventLoopGroup) async throws -> MockUpstream {
        let responses = MockResponses()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try channel.pipeline.syncOperations.addHandler(MockUpstreamHandler(responses: responses))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else { throw BenchError("the mock upstream has no port") }
        return MockUpstream(port: port, channel: channel)
    }

    /// Stops listening.
    func stop() async throws {
        try await channel.close()
    }
}
