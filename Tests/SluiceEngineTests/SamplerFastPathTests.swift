import Foundation
import SluiceEngine
import Testing

/// The sampler's shortcuts (no ordering for plain temperature sampling, sorting only the likely tokens
/// for top-p and min-p) must keep the exact semantics of sampling from the full sorted distribution.
@Suite("Sampler fast paths")
struct SamplerFastPathTests {
    /// A large vocabulary: four likely tokens and a long tail of very unlikely ones.
    static let logits: [Float] = {
        var values = [Float](repeating: -30, count: 50_000)
        values[10] = 5
        values[20] = 4
        values[30] = 3
        values[40] = 1
        return values
    }()

    func draws(_ params: SamplingParams, count: Int) -> [Int32: Int] {
        var sampler = Sampler(params: params, vocabSize: Self.logits.count)
        var seen: [Int32: Int] = [:]
        Self.logits.withUnsafeBufferPointer { buffer in
            for _ in 0..<count { seen[sampler.sample(buffer).id, default: 0] += 1 }
        }
        return seen
    }

    @Test("plain temperature sampling follows the softmax")
    func unordered() {
        let counts = draws(SamplingParams(temperature: 1, seed: 42), count: 20_000)
        let weights = [10: expf(5), 20: expf(4), 30: expf(3), 40: expf(1)]
        let total = weights.values.reduce(0, +)
        for (token, weight) in weights {
            let expected = Double(weight / total)
            let observed = Double(counts[Int32(token), default: 0]) / 20_000
            #expect(abs(observed - expected) < 0.015, "token \(token): \(observed) vs \(expected)")
        }
    }

    @Test("top_p keeps exactly the nucleus")
    func nucleus() {
        // Probabilities are about 0.66, 0.24, 0.09, 0.01: top_p 0.8 keeps the first two only.
        let counts = draws(SamplingParams(temperature: 1, topP: 0.8, seed: 7), count: 5_000)
        #expect(Set(counts.keys) == [10, 20])
        let share = Double(counts[10, default: 0]) / 5_000
        #expect(abs(share - 0.7311) < 0.03, "renormalised over the nucleus: e/(e+1)")
    }

    @Test("min_p drops tokens below its share of the top probability")
    func minP() {
        // 0.2 of the top probability keeps tokens 10 and 20 (0.37 of the top) but not 30 (0.135).
        let counts = draws(SamplingParams(temperature: 1, minP: 0.2, seed: 9), count: 5_000)
        #expect(Set(counts.keys) == [10, 20])
    }

    @Test("the same seed gives the same draws on every path")
    func reproducible() {
        for params in [
            SamplingParams(temperature: 0.8, seed: 3), SamplingParams(temperature: 0.8, topP: 0.95, seed: 3),
            SamplingParams(temperature: 0.8, topK: 3, seed: 3), SamplingParams(temperature: 0.8, minP: 0.05, seed: 3),
        ] {
            #expect(draws(params, count: 200) == draws(params, count: 200))
        }
    }
}
