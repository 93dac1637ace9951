import Foundation

/// `wrk` as an external cross-check of the in-process load generator: one thread, the same connection
/// count, the same chat request, as a POST set up by a small Lua script.
enum WrkRunner {
    /// The `wrk` binary on `PATH`, if any.
    static func locate() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/wrk"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// What one `wrk` run reported.
    struct Figures: Sendable {
        var requestsPerSecond: Double
        /// wrk's own summary line for latency (`Latency  avg  stdev  max  +/-stdev`).
        var latencyLine: String
        /// Non-2xx responses and socket errors.
        var errors: Int
    }

    /// Runs `wrk -t1 -c<connections> -d<seconds>s` against `port` and reads its summary.
    static func run(
        wrk: String, port: Int, connections: Int, seconds: Int, directory: URL
    ) async throws -> Figures {
        let script = directory.appendingPathComponent("chat.lua").path
        try """
            wrk.method = "POST"
            wrk.body = '{"model":"mock","messages":[{"role":"user","content":"hi"}]}'
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Authorization"] = "Bearer \(BenchKey.value)"
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let logPath = directory.appendingPathComponent("wrk-\(port).log").path
        let child = try ChildProcess(
            name: "wrk", executable: wrk,
            arguments: ["-t1", "-c\(connections)", "-d\(seconds)s", "-s", script, "http://127.0.0.1:\(port)/v1/chat/completions"],
            environment: [:], logPath: logPath)
        while child.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        var figures = Figures(requestsPerSecond: 0, latencyLine: "", errors: 0)
        for line in output.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let words = trimmed.split(separator: " ", omittingEmptySubsequences: true)
            if trimmed.hasPrefix("Requests/sec:"), words.count >= 2 {
                figures.requestsPerSecond = Double(words[1]) ?? 0
            } else if trimmed.hasPrefix("Latency") {
                figures.latencyLine = words.dropFirst().joined(separator: " ")
            } else if trimmed.hasPrefix("Non-2xx or 3xx responses:"), let last = words.last {
                figures.errors += Int(last) ?? 0
            } else if trimmed.hasPrefix("Socket errors:") {
                for word in words { if let count = Int(word.trimmingCharacters(in: .punctuationCharacters)) { figures.errors += count } }
            }
        }
        guard figures.requestsPerSecond > 0 else { throw BenchError("wrk reported nothing; its output:\n\(output)") }
        return figures
    }
}
