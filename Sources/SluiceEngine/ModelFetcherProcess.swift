import Foundation

/// Runs a helper program (python3, unzip) to completion, its output going to a file so no pipe can fill up.
enum ModelFetcherProcess {
    /// How a run ended.
    struct Outcome: Sendable {
        let status: Int32
        /// The last part of the combined stdout/stderr, for error messages.
        let outputTail: String
    }

    /// Runs `arguments[0]` found on PATH (through `/usr/bin/env`). Throws when the program cannot start.
    static func run(_ arguments: [String], environment: [String: String], logFile: URL) async throws -> Outcome {
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle: FileHandle = try FileHandle(forWritingTo: logFile)
        defer { try? handle.close() }
        let process: Process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<Int32, any Error>) -> Void in
            process.terminationHandler = { (finished: Process) -> Void in
                continuation.resume(returning: finished.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let output: String = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return Outcome(status: status, outputTail: String(output.suffix(600)).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Whether a program is on the PATH of `environment`.
    static func isAvailable(_ program: String, environment: [String: String]) -> Bool {
        let paths: [String] = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return paths.contains { (directory: String) -> Bool in
            FileManager.default.isExecutableFile(atPath: directory + "/" + program)
        }
    }
}
