import Foundation
import NIOCore

/// Starting `sluice serve` for the routing bench with a config of its own, the way ``SluiceServer``
/// starts it for the gateway bench.
enum RoutingGateway {
    /// Writes `config` to `<directory>/<label>.yaml`, starts the `sluice` binary next to the bench's on a
    /// free port, and waits until `/readyz` answers 200. The log goes to `<directory>/<label>.log`.
    static func start(label: String, config: String, directory: URL, group: any EventLoopGroup) async throws -> ServedTarget {
        let executable = SluiceServer.executablePath
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BenchError("no sluice binary at \(executable); build it with `swift build -c release --product sluice`")
        }
        let configPath = directory.appendingPathComponent("\(label).yaml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let port = try await FreePort.find(group: group)
        let child = try ChildProcess(
            name: "sluice (\(label))", executable: executable,
            arguments: ["serve", "--config", configPath, "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning"],
            environment: ["MOCK_KEY": "mock-key", "SLUICE_LOG_LEVEL": "warning"],
            logPath: directory.appendingPathComponent("\(label).log").path)
        do {
            try await Readiness.wait(for: child, port: port, path: "/readyz", group: group, timeout: .seconds(30))
        } catch {
            await child.stop()
            throw error
        }
        return ServedTarget(name: label, port: port, child: child)
    }
}
