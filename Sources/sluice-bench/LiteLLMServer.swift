import Foundation
import NIOCore

/// LiteLLM's proxy as the peer: `litellm --config <file> --host 127.0.0.1 --port P` with the same mock
/// upstream behind the model `mock`, started only when `python3 -c "import litellm"` works.
enum LiteLLMServer {
    /// The configuration file's text.
    static func config(upstreamPort: Int) -> String {
        """
        model_list:
          - model_name: mock
            litellm_params:
              model: openai/mock
              api_base: http://127.0.0.1:\(upstreamPort)/v1
              api_key: os.environ/MOCK_KEY
        litellm_settings:
          set_verbose: false
          telemetry: false
        """
    }

    /// The `litellm` script installed next to the Python that can import `litellm`, or why there is none.
    static func locate() -> Result<String, BenchError> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import os, sys, litellm; print(os.path.join(os.path.dirname(sys.executable), 'litellm'))",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            return .failure(BenchError("python3 could not be started (\(error))"))
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            let reason = text.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
            return .failure(BenchError("`python3 -c \"import litellm\"` failed: \(reason); install it with pip install 'litellm[proxy]'"))
        }
        let path = text.split(separator: "\n").last.map(String.init) ?? ""
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return .failure(BenchError("litellm imports, but there is no `litellm` script at \(path); install 'litellm[proxy]'"))
        }
        return .success(path)
    }

    /// Starts the proxy in front of the mock upstream and waits until `/health/readiness` answers 200.
    static func start(
        executable: String, upstreamPort: Int, directory: URL, group: any EventLoopGroup
    ) async throws -> ServedTarget {
        let configPath = directory.appendingPathComponent("litellm.yaml").path
        try config(upstreamPort: upstreamPort).write(toFile: configPath, atomically: true, encoding: .utf8)
        let port = try await FreePort.find(group: group)
        let child = try ChildProcess(
            name: "litellm", executable: executable,
            arguments: ["--config", configPath, "--host", "127.0.0.1", "--port", String(port)],
            environment: [
                "MOCK_KEY": "mock-key", "LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_LOG": "ERROR",
                "LITELLM_TELEMETRY": "False", "DISABLE_SCHEMA_UPDATE": "True", "LITELLM_MASTER_KEY": BenchKey.value,
            ],
            logPath: directory.appendingPathComponent("litellm.log").path)
        do {
            try await Readiness.wait(
                for: child, port: port, path: "/health/readiness", group: group, timeout: .seconds(120))
        } catch {
            await child.stop()
            throw error
        }
        return ServedTarget(name: "litellm", port: port, child: child)
    }
}
