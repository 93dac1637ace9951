import Foundation

/// A server started as a child process for the bench: its output goes to a log file, and it is stopped
/// with SIGTERM (then SIGKILL) when the bench is done with it.
final class ChildProcess {
    let name: String
    let logPath: String
    private let process: Process

    /// Starts `executable` with `arguments`, adding `environment` to the bench's own.
    init(name: String, executable: String, arguments: [String], environment: [String: String], logPath: String) throws {
        self.name = name
        self.logPath = logPath
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
            throw BenchError("cannot create \(logPath)")
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw BenchError("cannot start \(name) (\(executable)): \(error)")
        }
        self.process = process
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// The last `lines` lines of the process's output, for error messages.
    func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Sends SIGTERM to the process (and its descendants), waits up to `grace`, then sends SIGKILL.
    func stop(grace: Duration = .seconds(5)) async {
        guard process.isRunning else { return }
        let family = ProcessStats.tree(of: pid)
        for member in family { kill(member, SIGTERM) }
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            for member in ProcessStats.tree(of: pid) + family { kill(member, SIGKILL) }
        }
        process.waitUntilExit()
    }
}
