import NIOCore
import NIOPosix

/// Finding a free TCP port on 127.0.0.1 for a child server: bind to port 0, read the port, close.
enum FreePort {
    static func find(group: any EventLoopGroup) async throws -> Int {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0)
            .get()
        defer { channel.close(promise: nil) }
        guard let port = channel.localAddress?.port else { throw BenchError("no free port") }
        return port
    }
}
