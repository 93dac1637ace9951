import ArgumentParser
import Foundation
import SluiceEngine

/// `sluice-bench constrained`: the per-token cost of constrained JSON decoding on the built-in engine.
///
/// Method: for each scenario, a constrained greedy run (JSON steering, `--tokens` budget) produces C
/// tokens; an unconstrained greedy run of the same prompt then decodes exactly C tokens with end tokens
/// ignored. Both report decode time after the prompt, so the overhead is the ratio of per-token decode
/// times on equal-length outputs. Runs alternate and each figure is the fastest of `--repetitions` (the
/// least disturbed by other load). The time spent inside the steering's calls is also measured directly
/// (``TimedSteering``), which other load on the machine barely disturbs.
struct ConstrainedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "constrained",
        abstract: "Measure the per-token overhead of constrained JSON decoding against unconstrained decoding."
    )

    @Option(help: "The .gguf to measure (default: the default model, fetched if missing).")
    var model: String?

    @Option(help: "Compute threads.")
    var threads: Int = 2

    @Option(help: "Token budget of each constrained run.")
    var tokens: Int = 256

    @Option(help: "Runs per scenario and mode (the fastest is reported).")
    var repetitions: Int = 3

    func run() async throws {
        guard threads > 0, tokens > 16, repetitions > 0 else {
            throw ValidationError("--threads and --repetitions must be positive, --tokens above 16")
        }
        let path: String
        if let model {
            path = model
        } else {
            path = try await ModelFetcher().ensureDefaultModel { print($0) }.path
        }
        try await ConstrainedBench(modelPath: path, threads: threads, tokens: tokens, repetitions: repetitions).run()
    }
}

/// The measurement behind `sluice-bench constrained`.
struct ConstrainedBench {
    struct Scenario {
        let name: String
        let prompt: String
        /// nil: any JSON object.
        let schema: String?
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "json_object", prompt: "Describe the solar system in detail as a JSON object.", schema: nil),
        Scenario(
            name: "json_schema (array of records)", prompt: "List many famous people with their birth year and country as JSON.",
            schema: #"{"type":"object","properties":{"people":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"born":{"type":"integer"},"country":{"type":"string"},"alive":{"type":"boolean"}},"required":["name","born","country","alive"],"additionalProperties":false}}},"required":["people"],"additionalProperties":false}"#),
    ]

    let modelPath: String
    let threads: Int
    let tokens: Int
    let repetitions: Int

    func run() async throws {
        let model: LocalModel = try LocalModel(path: modelPath, threads: threads, contextLength: 2048)
        let tokenizer: Tokenizer = try Tokenizer(gguf: model.file)
        let template: ChatTemplate = try ChatTemplate(tokenizer: tokenizer)
        let started: DispatchTime = .now()
        let vocabulary: JSONVocabulary = JSONVocabulary(tokenizer: tokenizer, endTokens: model.endTokens)
        print("constrained decoding bench: \(modelPath), \(threads) threads, budget \(tokens) tokens, fastest of \(repetitions)")
        print(String(format: "  vocabulary trie: %d nodes, built once per model in %.1f ms", vocabulary.nodeCount, Self.seconds(since: started) * 1000))
        print("  method: constrained greedy run → C tokens; unconstrained greedy run of the same prompt decodes exactly C")
        print("  tokens (end tokens ignored); overhead = per-token decode time constrained / unconstrained − 1")
        for scenario: Scenario in Self.scenarios {
            let grammar: JSONGrammar = try scenario.schema.map { try JSONSchemaCompiler.compile(json: $0) } ?? JSONSchemaCompiler.anyObject()
            let prompt: [Int32] = tokenizer.encode(
                try template.render(messages: [
                    ["role": "system", "content": "You answer in JSON."], ["role": "user", "content": .string(scenario.prompt)],
                ]), addSpecial: true)
            _ = try await model.generate(prompt: prompt, params: SamplingParams(temperature: 0, maxTokens: 8)) { _ in true }  // warm-up
            var constrained: [Double] = []
            var unconstrained: [Double] = []
            var statistics: JSONSteeringStatistics = JSONSteeringStatistics()
            var produced: Int = 0
            var steeringSeconds: [Double] = []
            for _ in 0..<repetitions {
                let steering: JSONSchemaSteering = try JSONSchemaSteering(grammar: grammar, vocabulary: vocabulary, maxTokens: tokens)
                let timed: TimedSteering = TimedSteering(steering)
                let run: GenerationSummary = try await model.generate(
                    prompt: prompt, params: SamplingParams(temperature: 0, maxTokens: tokens), steering: timed) { _ in true }
                produced = run.completionTokens
                statistics = steering.statistics
                steeringSeconds.append(Double(timed.nanoseconds) / 1e9 / Double(max(run.completionTokens, 1)))
                constrained.append(run.generationSeconds / Double(max(run.completionTokens, 1)))
                let free: GenerationSummary = try await model.generate(
                    prompt: prompt, params: SamplingParams(temperature: 0, maxTokens: produced, ignoreEndTokens: true)) { _ in true }
                unconstrained.append(free.generationSeconds / Double(max(free.completionTokens, 1)))
            }
            let withJSON: Double = constrained.min() ?? 0
            let without: Double = unconstrained.min() ?? 1
            let inSteering: Double = steeringSeconds.min() ?? 0
            let meanMask: Double = statistics.masks > 0 ? Double(statistics.maskNanoseconds) / Double(statistics.masks) / 1e6 : 0
            print("  \(scenario.name): \(produced) tokens per run")
            print(String(
                format: "    unconstrained %.1f tok/s (%.2f ms/token); constrained %.1f tok/s (%.2f ms/token); overhead %+.1f %%",
                1 / without, without * 1000, 1 / withJSON, withJSON * 1000, (withJSON / without - 1) * 100))
            print(String(
                format: "    time inside the steering: %.3f ms/token = %.2f %% of an unconstrained token",
                inSteering * 1000, inSteering / without * 100))
            print(String(
                format: "    per run: %d checks, %d mask calls (%d trie walks), mean mask %.3f ms, mask time %.1f ms total, %d forced tokens",
                statistics.checks, statistics.masks, statistics.maskWalks, meanMask, Double(statistics.maskNanoseconds) / 1e6,
                statistics.forced))
        }
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// Forwards to a steering and adds up the time spent in its calls (the whole per-token cost of
/// constraining, as the engine pays it).
final class TimedSteering: TokenSteering, @unchecked Sendable {
    let inner: any TokenSteering
    private(set) var nanoseconds: UInt64 = 0

    init(_ inner: any TokenSteering) {
        self.inner = inner
    }

    private func timed<T>(_ body: () -> T) -> T {
        let start: UInt64 = DispatchTime.now().uptimeNanoseconds
        let result: T = body()
        nanoseconds += DispatchTime.now().uptimeNanoseconds - start
        return result
    }

    var isComplete: Bool { timed { inner.isComplete } }
    func forcedToken() -> Int32? { timed { inner.forcedToken() } }
    func allows(_ token: Int32) -> Bool { timed { inner.allows(token) } }
    func mask(_ logits: UnsafeMutableBufferPointer<Float>) { timed { inner.mask(logits) } }
    func accept(_ token: Int32) { timed { inner.accept(token) } }
}
