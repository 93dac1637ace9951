import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A real `sluice serve` process, for the tests that need a second process or a `kill -9`.
final class GatewayProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let logPath: String

    var base: String { "http://127.0.0.1:\(port)" }

    /// The built `sluice` binary: `$SLUICE_BIN_DIR/sluice` (set by scripts/test), else `.build/debug/sluice`.
    static var executable: String {
        if let directory = ProcessInfo.processInfo.environment["SLUICE_BIN_DIR"], !directory.isEmpty {
            return directory + "/sluice"
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/sluice").path
    }

    /// Starts `sluice serve --config PATH --port P` and waits until `/readyz` answers.
    init(config: String, environment: [String: String], directory: URL, client: HTTPClient) async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw ProcessFailure("no sluice binary at \(Self.executable): run `swift build` (scripts/test does)")
        }
        port = try Self.freePort()
        logPath = directory.appendingPathComponent("sluice-\(port).log").path
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["serve", "--config", config, "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning"]
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if !process.isRunning { throw ProcessFailure("sluice exited at start: \(self.log)") }
            var request = HTTPClientRequest(url: base + "/healthz")
            request.method = .GET
            if let response = try? await client.execute(request, timeout: .seconds(2)), response.status == .ok {
                _ = try? await response.body.collect(upTo: 1 << 16)
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw ProcessFailure("sluice did not come up: \(log)")
    }

    /// What the process wrote.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// `kill -9`.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then wait.
    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw ProcessFailure("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
