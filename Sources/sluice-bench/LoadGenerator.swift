import NIOCore
import NIOHTTP1
import NIOPosix

/// A closed-loop HTTP/1.1 load generator on SwiftNIO: N keep-alive connections, each sending the same
/// request back to back. It runs on the event loop group it is given (the bench uses one thread, so
/// the generator takes at most one core).
struct LoadGenerator: Sendable {
    let group: any EventLoopGroup
    let host: String
    let port: Int

    /// Opens `plan.connections` connections, runs the plan on each, and adds up what they measured.
    func run(_ request: LoadRequest, plan: LoadPlan) async throws -> LoadResult {
        var channels: [any Channel] = []
        var futures: [EventLoopFuture<LoadResult>] = []
        let runStart = NIODeadline.now()
        do {
            for _ in 0..<plan.connections {
                let promise = group.next().makePromise(of: LoadResult.self)
                let channel = try await ClientBootstrap(group: group)
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .connectTimeout(.seconds(5))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHTTPClientHandlers()
                            try channel.pipeline.syncOperations.addHandler(
                                LoadConnectionHandler(request: request, plan: plan, runStart: runStart, done: promise))
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
        // A server that stops answering must not hang a timed run: close whatever is left a while after
        // the run should have ended (each such connection counts as an error).
        var watchdog: Scheduled<Void>?
        if case .duration(let duration) = plan.stop {
            let stragglers = channels
            watchdog = group.next().scheduleTask(in: duration + .seconds(30)) {
                for channel in stragglers { channel.close(promise: nil) }
            }
        }
        defer { watchdog?.cancel() }
        var total = LoadResult()
        for future in futures {
            total.merge(try await future.get())
        }
        return total
    }

    /// Whether one request on a fresh connection gets a 200 (false if it cannot connect).
    func probe(_ request: LoadRequest) async -> Bool {
        let plan = LoadPlan(connections: 1, stop: .requestsPerConnection(1))
        guard let result = try? await run(request, plan: plan) else { return false }
        return result.completed == 1
    }
}
