import NIOCore
import NIOHTTP1
import NIOPosix

/// Runs ``RoutingLoadHandler`` connections: a group of paced closed-loop clients sending one request
/// for a fixed time, their ``RoutingTally`` added up.
struct RoutingLoad: Sendable {
    let group: any EventLoopGroup
    let host: String
    let port: Int

    /// Opens `connections` connections that each send `request` for `duration`, at most one request
    /// per `pace`, and waits for them all to finish.
    /// No connections give an empty tally.
    func run(_ request: LoadRequest, connections: Int, duration: TimeAmount, pace: TimeAmount) async throws -> RoutingTally {
        guard connections > 0 else { return RoutingTally() }
        var channels: [any Channel] = []
        var futures: [EventLoopFuture<RoutingTally>] = []
        let runStart = NIODeadline.now()
        do {
            for _ in 0..<connections {
                let promise = group.next().makePromise(of: RoutingTally.self)
                let channel = try await ClientBootstrap(group: group)
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .connectTimeout(.seconds(5))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHTTPClientHandlers()
                            try channel.pipeline.syncOperations.addHandler(
                                RoutingLoadHandler(
                                    request: request, duration: duration, pace: pace, runStart: runStart, done: promise))
                        }
                    }
                    .connect(host: host, port: port)
                    .get()
                channels.append(channel)
                futures.append(promise.futureResult)
            }
        } catch {
            for channel in channels { channel.close(promise: nil) }
            for future in futures { _ = try? await future.get() }
            throw BenchError("cannot connect to \(host):\(port): \(error)")
        }
        // A server that stops answering must not hang the run: close what is left a while after the end.
        let stragglers = channels
        let watchdog = group.next().scheduleTask(in: duration + .seconds(30)) {
            for channel in stragglers { channel.close(promise: nil) }
        }
        defer { watchdog.cancel() }
        var total = RoutingTally()
        for future in futures {
            total.merge(try await future.get())
        }
        return total
    }
}
