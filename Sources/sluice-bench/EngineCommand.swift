import ArgumentParser
import SluiceEngine

/// `sluice-bench engine`: prefill (pp512) and decode (tg128) tokens/s of the built-in engine at each
/// thread count, peak RSS, and, with `--peer-llama-bench`, llama.cpp's figures and the ratios.
struct EngineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Measure the built-in engine (pp512, tg128, RSS), optionally against llama.cpp's llama-bench."
    )

    @Option(help: "The .gguf to measure (default: the default model, fetched if missing).")
    var model: String?

    @Option(help: "Comma-separated thread counts.")
    var threads: String = "1,2"

    @Option(help: "Path to llama.cpp's llama-bench, run on the same model for comparison.")
    var peerLlamaBench: String?

    func run() async throws {
        let counts = threads.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--threads takes positive integers separated by commas, such as 1,2")
        }
        let path: String
        if let model {
            path = model
        } else {
            path = try await ModelFetcher().ensureDefaultModel { print($0) }.path
        }
        try await runEngineBench(modelPath: path, threads: counts, peerLlamaBench: peerLlamaBench)
    }
}
