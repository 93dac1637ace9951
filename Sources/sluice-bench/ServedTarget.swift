import Foundation
import NIOCore

/// A server that load is pointed at: the mock itself (in the bench's process) or a gateway in a child
/// process whose memory and CPU can be read.
struct ServedTarget {
    /// What the report calls it (`direct`, `sluice`, `litellm`).
    let name: String
    let port: Int
    /// The child process, when the target runs in one.
    let child: ChildProcess?

    /// The child's figures now (for a tree of processes, summed), or `nil` for an in-process target.
    func stats() -> ProcessStats? {
        guard let child else { return nil }
        return ProcessStats.readTree(of: child.pid)
    }
}

/// Waiting for a child server to answer its readiness route.
enum Readiness {
    /// Polls `GET path` every 50 ms until it answers 200, the child exits, or `timeout` passes.
    static func wait(
        for child: ChildProcess, port: Int, path: String, group: any EventLoopGroup, timeout: Duration
    ) async throws {
        let generator = LoadGenerator(group: group, host: "127.0.0.1", port: port)
        let deadline = ContinuousClock.now + timeout
        let request = LoadRequest.get(path: path, host: "127.0.0.1", port: port)
        while ContinuousClock.now < deadline {
            if await generator.probe(request) { return }
            guard child.isRunning else {
                throw BenchError("\(child.name) exited before it was ready; its log (\(child.logPath)):\n\(child.logTail())")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("\(child.name) did not answer \(path) with 200 within \(timeout); its log (\(child.logPath)):\n\(child.logTail())")
    }
}
