import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs a real Hummingbird server on a free loopback port for the duration of a closure.
///
/// Fake upstreams in tests and benchmarks are built this way: a real TCP listener speaking HTTP/1.1,
/// so the code under test goes through its real HTTP client.
public enum LiveServer {
    /// Starts `router` on `127.0.0.1`, an ephemeral port, runs `body` with the port, then shuts down.
    public static func with<Context: RequestContext, Result: Sendable>(
        _ router: Router<Context>,
        port: Int = 0,
        _ body: @Sendable (Int) async throws -> Result
    ) async throws -> Result where Context.Source == ApplicationRequestContextSource {
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "sluice.test-server")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "fake-upstream"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = portStream.makeAsyncIterator()
            guard let boundPort = await iterator.next() else {
                throw LiveServerError.didNotStart
            }
            do {
                let result = try await body(boundPort)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                tasks.cancelAll()
                throw error
            }
        }
    }
}

/// Failures of ``LiveServer``.
public enum LiveServerError: Error {
    case didNotStart
}
