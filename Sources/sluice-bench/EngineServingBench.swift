import Atomics
import Foundation
import SluiceEngine

/// The serving half of `sluice-bench engine`: aggregate decode through the batch scheduler at 1 and N
/// concurrent streams, and time to first token of a long prompt with a cold and a warm prefix cache.
enum EngineServingBench {
    /// Tokens each stream decodes.
    static let streamTokens: Int = 128
    /// Prompt length of each decoding stream.
    static let streamPrompt: Int = 32
    /// The long prompt of the time-to-first-token measurement (the 1,360 tokens).
    static let longPrompt: Int = 1360

    /// Prints aggregate decode tokens/s at 1 and `streams` concurrent streams, and the TTFT figures.
    static func run(modelPath: String, threads: Int, streams: Int) async throws -> ServingFigures {
        let model: LocalModel = try LocalModel(
            path: modelPath, threads: threads, contextLength: 2048, settings: SchedulerSettings(parallel: max(streams, 1)))
        let vocab: Int = model.config.vocabSize
        _ = try await decodeRate(model, streams: 1, vocab: vocab, salt: 99)  // warm-up
        let single: Double = try await decodeRate(model, streams: 1, vocab: vocab, salt: 1)
        let batched: Double = try await decodeRate(model, streams: streams, vocab: vocab, salt: 2)
        print(String(
            format: "  decode through the scheduler, %d threads: 1 stream %.1f tok/s; %d streams %.1f tok/s aggregate (%.2fx)",
            threads, single, streams, batched, batched / single))

        let document: [Int32] = tokens(count: longPrompt, vocab: vocab, salt: 7)
        let cold: Double = try await firstTokenSeconds(model, document)
        let warmSame: Double = try await firstTokenSeconds(model, document)
        let question: [Int32] = Array(document.prefix(longPrompt - 40)) + tokens(count: 40, vocab: vocab, salt: 8)
        let warmNew: Double = try await firstTokenSeconds(model, question)
        print(String(
            format: "  time to first token, %d-token prompt: cold %.3f s; warm (same prompt) %.3f s; warm (same first %d tokens, new last 40) %.3f s",
            longPrompt, cold, warmSame, longPrompt - 40, warmNew))
        return ServingFigures(single: single, batched: batched, cold: cold, warmSame: warmSame, warmNew: warmNew)
    }

    /// Deterministic pseudo-random token ids (any ids do for timing).
    static func tokens(count: Int, vocab: Int, salt: Int) -> [Int32] {
        (0..<count).map { Int32((($0 + 1) * 7919 + salt * 104_729) % (vocab - 1) + 1) }
    }

    /// Aggregate decode rate with `streams` sequences decoding together: tokens produced while every
    /// stream was decoding (after the last one's first token, until the first one finished), per second.
    static func decodeRate(_ model: LocalModel, streams: Int, vocab: Int, salt: Int) async throws -> Double {
        let clock: TokenClock = TokenClock(streams: streams)
        let params: SamplingParams = SamplingParams(temperature: 0, maxTokens: streamTokens, ignoreEndTokens: true)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for stream: Int in 0..<streams {
                let prompt: [Int32] = tokens(count: streamPrompt, vocab: vocab, salt: salt * 100 + stream)
                group.addTask {
                    _ = try await model.generate(prompt: prompt, params: params) { (_: GeneratedToken) -> Bool in
                        clock.tick(stream)
                        return true
                    }
                }
            }
            try await group.waitForAll()
        }
        return clock.steadyRate()
    }

    /// Seconds from submitting `prompt` to its first token.
    static func firstTokenSeconds(_ model: LocalModel, _ prompt: [Int32]) async throws -> Double {
        let start: ContinuousClock.Instant = .now
        let first: ManagedAtomic<Int64> = ManagedAtomic<Int64>(-1)
        _ = try await model.generate(prompt: prompt, params: SamplingParams(temperature: 0, maxTokens: 1)) { _ in
            let elapsed: Duration = ContinuousClock.now - start
            _ = first.compareExchange(
                expected: -1, desired: elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000,
                ordering: .relaxed)
            return true
        }
        return Double(first.load(ordering: .relaxed)) / 1e9
    }
}

/// What the serving bench measured.
struct ServingFigures: Sendable {
    let single: Double
    let batched: Double
    let cold: Double
    let warmSame: Double
    let warmNew: Double
}

/// Token arrival times per stream, for the steady-state aggregate decode rate.
final class TokenClock: @unchecked Sendable {
    private let lock: NSLock = NSLock()
    private var times: [[UInt64]]

    init(streams: Int) { times = Array(repeating: [], count: streams) }

    func tick(_ stream: Int) {
        let now: UInt64 = DispatchTime.now().uptimeNanoseconds
        lock.withLock { times[stream].append(now) }
    }

    /// Tokens per second between the last stream's first token and the first stream's last token.
    func steadyRate() -> Double {
        lock.withLock {
            let start: UInt64 = times.map { $0.first ?? 0 }.max() ?? 0
            let end: UInt64 = times.map { $0.last ?? 0 }.min() ?? 0
            guard end > start else { return 0 }
            let counted: Int = times.reduce(0) { $0 + $1.filter { $0 > start && $0 <= end }.count }
            return Double(counted) / (Double(end - start) / 1e9)
        }
    }
}

extension EngineServingBench {
    /// Runs llama.cpp's `llama-batched-bench` (prompt `streamPrompt`, `streamTokens` generated, 1 and
    /// `streams` parallel sequences) and returns its text-generation rates (S_TG) for both.
    static func llamaBatchedBench(_ executable: String, model: String, threads: Int, streams: Int) throws -> (single: Double, batched: Double) {
        let process: Process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "-m", model, "-c", "\((streamPrompt + streamTokens) * max(streams, 1) + 64)", "-b", "2048", "-ub", "512",
            "-npp", "\(streamPrompt)", "-ntg", "\(streamTokens)", "-npl", "1,\(streams)", "-t", "\(threads)", "-tb", "\(threads)",
        ]
        let output: Pipe = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data: Data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EngineBenchFailure(description: "llama-batched-bench failed (status \(process.terminationStatus))")
        }
        // Table rows: | PP | TG | B | N_KV | T_PP s | S_PP t/s | T_TG s | S_TG t/s | T s | S t/s |
        var rates: [Int: Double] = [:]
        for line: Substring in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("|") {
            let cells: [String] = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 8, let parallel: Int = Int(cells[2]), let rate: Double = Double(cells[7]) else { continue }
            rates[parallel] = rate
        }
        guard let single: Double = rates[1], let batched: Double = rates[streams] else {
            throw EngineBenchFailure(description: "llama-batched-bench printed no S_TG for 1 and \(streams) sequences")
        }
        return (single, batched)
    }
}
