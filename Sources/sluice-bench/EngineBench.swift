import Foundation
import SluiceEngine

/// `sluice-bench engine`: prompt-processing (pp512) and generation (tg128) throughput of the built-in
/// engine at each thread count, peak RSS, and optionally the same figures from llama.cpp's llama-bench.
func runEngineBench(modelPath: String, threads: [Int], peerLlamaBench: String?) async throws {
    let file: GGUFFile = try GGUFFile(path: modelPath)
    print("engine bench: \(modelPath)")
    var rows: [EngineBenchRow] = []
    for count: Int in threads {
        let engine: InferenceEngine = try InferenceEngine(file: file, threads: count, contextLength: 1024)
        let row: EngineBenchRow = try await EngineBenchRunner.measure(engine: engine, threads: count)
        rows.append(row)
        print(String(format: "  threads %d: pp512 %.1f tok/s, tg128 %.1f tok/s", count, row.prefill, row.decode))
    }
    print(String(format: "  peak RSS (VmHWM): %.1f MiB", Double(EngineBenchRunner.peakRSSKiB()) / 1024))
    guard let peer: String = peerLlamaBench else { return }
    for row: EngineBenchRow in rows {
        let figures: (prefill: Double, decode: Double) = try EngineBenchRunner.llamaBench(peer, model: modelPath, threads: row.threads)
        print(String(
            format: "  llama.cpp threads %d: pp512 %.1f tok/s, tg128 %.1f tok/s; sluice/llama.cpp: pp %.2fx, tg %.2fx",
            row.threads, figures.prefill, figures.decode, row.prefill / figures.prefill, row.decode / figures.decode))
    }
}

/// Throughput at one thread count.
struct EngineBenchRow: Sendable {
    let threads: Int
    /// pp512 tokens per second.
    let prefill: Double
    /// tg128 tokens per second.
    let decode: Double
}

/// Why the engine bench failed.
struct EngineBenchFailure: Error, CustomStringConvertible {
    let description: String
}

enum EngineBenchRunner {
    static let promptTokens: Int = 512
    static let generatedTokens: Int = 128
    static let repetitions: Int = 3

    /// Runs pp512 and tg128 like llama-bench (fresh sequence each run, best-effort warm-up first) on a
    /// dedicated thread so the cooperative pool is never blocked.
    static func measure(engine: InferenceEngine, threads: Int) async throws -> EngineBenchRow {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<EngineBenchRow, any Error>) in
            let thread: Thread = Thread {
                do {
                    continuation.resume(returning: try run(engine: engine, threads: threads))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private static func run(engine: InferenceEngine, threads: Int) throws -> EngineBenchRow {
        let vocab: Int32 = Int32(engine.config.vocabSize)
        let prompt: [Int32] = (0..<promptTokens).map { Int32(($0 * 7919 + 13) % Int(vocab)) }
        _ = try prefill(engine, prompt: Array(prompt.prefix(32)))
        var prefillTimes: [Double] = []
        var decodeTimes: [Double] = []
        for _ in 0..<repetitions {
            prefillTimes.append(try prefill(engine, prompt: prompt))
            decodeTimes.append(try decode(engine, count: generatedTokens, vocab: vocab))
        }
        let prefillMean: Double = prefillTimes.reduce(0, +) / Double(prefillTimes.count)
        let decodeMean: Double = decodeTimes.reduce(0, +) / Double(decodeTimes.count)
        return EngineBenchRow(
            threads: threads, prefill: Double(promptTokens) / prefillMean, decode: Double(generatedTokens) / decodeMean)
    }

    private static func prefill(_ engine: InferenceEngine, prompt: [Int32]) throws -> Double {
        let sequence: Int = try engine.cache.allocateSequence()
        defer { engine.cache.releaseSequence(sequence) }
        let batch: [BatchToken] = prompt.enumerated().map {
            BatchToken(sequence: sequence, position: $0.offset, token: $0.element, wantsLogits: $0.offset == prompt.count - 1)
        }
        let start: DispatchTime = .now()
        try engine.forward(batch)
        return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    private static func decode(_ engine: InferenceEngine, count: Int, vocab: Int32) throws -> Double {
        let sequence: Int = try engine.cache.allocateSequence()
        defer { engine.cache.releaseSequence(sequence) }
        var token: Int32 = 1
        let start: DispatchTime = .now()
        for position: Int in 0..<count {
            try engine.forward([BatchToken(sequence: sequence, position: position, token: token, wantsLogits: true)])
            token = (token &* 31 &+ 7) % vocab
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// VmHWM of this process in KiB.
    static func peakRSSKiB() -> Int {
        guard let status: String = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line: Substring in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
        }
        return 0
    }

    /// Runs `llama-bench -m MODEL -p 512 -n 128 -t N -o json` and returns its pp/tg tokens per second.
    static func llamaBench(_ executable: String, model: String, threads: Int) throws -> (prefill: Double, decode: Double) {
        let process: Process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-m", model, "-p", "\(promptTokens)", "-n", "\(generatedTokens)", "-t", "\(threads)", "-o", "json"]
        let output: Pipe = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data: Data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let entries: [[String: Any]] = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { throw EngineBenchFailure(description: "llama-bench failed (status \(process.terminationStatus))") }
        var prefill: Double = 0
        var decode: Double = 0
        for entry: [String: Any] in entries {
            let rate: Double = (entry["avg_ts"] as? Double) ?? 0
            if (entry["n_prompt"] as? Int ?? 0) > 0 { prefill = rate } else if (entry["n_gen"] as? Int ?? 0) > 0 { decode = rate }
        }
        return (prefill, decode)
    }
}
