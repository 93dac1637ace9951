import NIOCore

/// The measurements run against each target, in the same way and in the same order.
struct GatewaySuite: Sendable {
    /// Where the load generator runs.
    let group: any EventLoopGroup
    let connections: Int
    let duration: TimeAmount
    let latencyRequests: Int

    /// Warms the target up, then measures throughput, latency and streaming time to first byte.
    func measure(_ target: ServedTarget, latencyRequests requestLimit: Int? = nil) async throws -> TargetFigures {
        let plain = LoadRequest.chat(stream: false, host: "127.0.0.1", port: target.port)
        let streamed = LoadRequest.chat(stream: true, host: "127.0.0.1", port: target.port)
        let count = requestLimit.map { min($0, latencyRequests) } ?? latencyRequests
        let load = LoadGenerator(group: group, host: "127.0.0.1", port: target.port)

        report("\(target.name): warming up")
        _ = try await load.run(plain, plan: LoadPlan(connections: connections, stop: .duration(.seconds(1))))
        _ = try await load.run(streamed, plan: LoadPlan(connections: 1, stop: .requestsPerConnection(max(count / 10, 20))))

        report("\(target.name): non-streaming, \(connections) connections, \(duration.nanoseconds / 1_000_000_000) s")
        let before = target.stats()
        let throughput = try await load.run(plain, plan: LoadPlan(connections: connections, stop: .duration(duration)))
        let after = target.stats()
        var cpuPerRequest: Double?
        if let before, let after, throughput.completed > 0 {
            cpuPerRequest = (after.cpuSeconds - before.cpuSeconds) / Double(throughput.completed)
        }

        report("\(target.name): non-streaming, 1 connection, \(count) requests")
        let latency = try await load.run(plain, plan: LoadPlan(connections: 1, stop: .requestsPerConnection(count)))

        report("\(target.name): streaming, 1 connection, \(count) requests")
        let streaming = try await load.run(
            streamed, plan: LoadPlan(connections: 1, stop: .requestsPerConnection(count), measuresFirstByte: true))

        return TargetFigures(
            name: target.name, throughput: throughput, latency: latency, streaming: streaming,
            cpuSecondsPerRequest: cpuPerRequest, peakResidentBytes: target.stats()?.peakResidentBytes)
    }

    private struct Target {
        /// Where the load generator runs.
    let group: any EventLoopGroup
        let served: ServedTarget
    }

    /// Progress goes to standard error, so standard output holds only the results.
    private func report(_ line: String) {
        var standardError = StandardError()
        print("• \(line)", to: &standardError)
    }
}
