import ArgumentParser
import CSluiceKernels
import Foundation
import SluiceEngine

/// `sluice-bench kernels`: the batched matrix kernel on its own, over random weights larger than the L3
/// cache, at several counts of activation rows (concurrent streams in a decode step).
///
/// The peer is the same rows run as that many one-row passes (the decode path, what serving the streams
/// one at a time costs), in the same run. The two alternate, and each figure is the fastest of
/// `--repetitions` passes, the least disturbed by other load. Before timing, a sample of the batched results is checked bit for bit against
/// single dot products.
struct KernelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Measure the batched Q4_1 and Q8_0 matrix kernel against one-row passes."
    )

    @Option(help: "Threads, each taking a contiguous share of the rows.")
    var threads: Int = 2

    @Option(help: "Weight megabytes per matrix (above the L3 cache by default).")
    var megabytes: Int = 66

    @Option(help: "Comma-separated counts of activation rows.")
    var rows: String = "1,2,4,8,16"

    @Option(help: "Passes per figure (the fastest is reported).")
    var repetitions: Int = 15

    func run() async throws {
        let counts: [Int] = rows.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard threads > 0, megabytes > 0, repetitions > 0, !counts.isEmpty, counts.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--threads, --megabytes and --repetitions must be positive, --rows positive integers such as 1,8")
        }
        let pool: EngineThreadPool = EngineThreadPool(threads: threads)
        print("kernels bench: \(threads) threads, \(megabytes) MB of weights per matrix, 576 columns, best of \(repetitions)")
        for type: GGUFTensorType in [.q4_1, .q8_0] {
            let matrix: KernelMatrix = KernelMatrix(type: type, cols: 576, bytes: megabytes << 20)
            defer { matrix.deallocate() }
            for count: Int in counts {
                let activations: KernelActivations = KernelActivations(weightType: type, cols: 576, count: count)
                defer { activations.deallocate() }
                let output: UnsafeMutablePointer<Float> = .allocate(capacity: matrix.rows * count)
                defer { output.deallocate() }
                let mismatches: Int = matrix.batched(activations, into: output, pool: pool)
                guard mismatches == 0 else { throw BenchError("\(type) at \(count) rows: \(mismatches) results differ from single dots") }
                var batched: Double = .infinity
                var passes: Double = .infinity
                for _ in 0..<repetitions {  // alternating, so that a disturbed stretch hits both
                    batched = min(batched, seconds { matrix.batched(activations, into: output, pool: pool, check: false) })
                    passes = min(passes, seconds { matrix.onePerRow(activations, into: output, pool: pool) })
                }
                let pairs: Double = Double(matrix.rows * matrix.blocksPerRow * count) / Double(threads)
                print(String(
                    format: "  %@, %2d rows: batched %7.2f ms/pass (%.3f ns per block pair per thread); %d one-row passes %7.2f ms; %.2fx",
                    "\(type)", count, batched * 1e3, batched * 1e9 / pairs, count, passes * 1e3, passes / batched))
            }
        }
    }

    /// How long `body` takes, in seconds.
    private func seconds(_ body: () -> Void) -> Double {
        let start: ContinuousClock.Instant = .now
        body()
        let elapsed: Duration = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
