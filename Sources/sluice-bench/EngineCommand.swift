import ArgumentParser
import SluiceEngine

/// `sluice-bench engine`: prefill (pp512) and decode (tg128) tokens/s of the built-in engine at each
/// thread count, peak RSS, and, with `--peer-llama-bench`, llama.cpp's figures and the ratios.
struct EngineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Measure the built-in engine (pp512, tg128, RSS, batched decode, time to first token), optionally against llama.cpp."
    )

    @Option(help: "The .gguf to measure (default: the default model, fetched if missing).")
    var model: String?

    @Option(help: "Comma-separated thread counts.")
    var threads: String = "1,2"

    @Option(help: "Path to llama.cpp's llama-bench, run on the same model for comparison.")
    var peerLlamaBench: String?

    @Option(help: "Concurrent streams for the aggregate decode measurement through the batch scheduler (0 skips serving figures).")
    var streams: Int = 8

    @Option(help: "Compute threads for the serving figures (aggregate decode, time to first token).")
    var servingThreads: Int = 2

    @Option(help: "Path to llama.cpp's llama-batched-bench, run with the same streams for comparison.")
    var peerBatchedBench: String?

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
        guard streams > 0 else { return }
        guard servingThreads > 0 else { throw ValidationError("--serving-threads must be positive") }
        let figures = try await EngineServingBench.run(modelPath: path, threads: servingThreads, streams: streams)
        if let peerBatchedBench {
            let peer = try EngineServingBench.llamaBatchedBench(
                peerBatchedBench, model: path, threads: servingThreads, streams: streams)
            print(String(
                format: "  llama.cpp batched-bench, %d threads: 1 stream %.1f tok/s; %d streams %.1f tok/s aggregate; sluice/llama.cpp at %d streams: %.2fx",
                servingThreads, peer.single, streams, peer.batched, streams, figures.batched / peer.batched))
        }
    }
}
