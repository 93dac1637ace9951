import Foundation
import NIOCore

/// The Sluice gateway as deployed: the built `sluice` binary next to the bench's, run as
/// `sluice serve --config <file> --host 127.0.0.1 --port P --log-level warning` with one model, `mock`,
/// pointing at the mock upstream.
enum SluiceServer {
    /// The `sluice` binary next to the running `sluice-bench`.
    static var executablePath: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sluice").path
    }

    /// The configuration file's text (the ledger off: this measures the core request path).
    static func config(upstreamPort: Int) -> String {
        """
        ledger:
          store: off
        models:
          - name: mock
            backend: openai
            model: mock
            base_url: http://127.0.0.1:\(upstreamPort)/v1
            api_key: env:MOCK_KEY
        """
    }

    /// Starts Sluice in front of the mock upstream and waits until `/readyz` answers 200.
    static func start(
        upstreamPort: Int, directory: URL, group: any EventLoopGroup
    ) async throws -> ServedTarget {
        let executable = executablePath
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BenchError("no sluice binary at \(executable); build it with `swift build -c release --product sluice`")
        }
        let configPath = directory.appendingPathComponent("sluice.yaml").path
        try config(upstreamPort: upstreamPort).write(toFile: configPath, atomically: true, encoding: .utf8)
        let port = try await FreePort.find(group: group)
        let child = try ChildProcess(
            name: "sluice", executable: executable,
            arguments: ["serve", "--config", configPath, "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning"],
            environment: ["MOCK_KEY": "mock-key", "SLUICE_LOG_LEVEL": "warning"],
            logPath: directory.appendingPathComponent("sluice.log").path)
        do {
            try await Readiness.wait(for: child, port: port, path: "/readyz", group: group, timeout: .seconds(30))
        } catch {
            await child.stop()
            throw error
        }
        return ServedTarget(name: "sluice", port: port, child: child)
    }
}
