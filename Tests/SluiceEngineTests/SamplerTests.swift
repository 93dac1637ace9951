import Foundation
import Testing

@testable import SluiceEngine

@Suite struct SamplerTests {
    static let logits: [Float] = [1.0, 3.0, 2.5, -1.0, 0.5, 2.9]

    private func sample(_ params: SamplingParams, _ logits: [Float] = SamplerTests.logits, times: Int = 1) -> [GeneratedToken] {
        var sampler: Sampler = Sampler(params: params, vocabSize: logits.count)
        return (0..<times).map { _ in logits.withUnsafeBufferPointer { sampler.sample($0) } }
    }

    @Test func greedyPicksArgmaxWithRawLogprobs() {
        let token: GeneratedToken = sample(SamplingParams(temperature: 0, topLogprobs: 3))[0]
        #expect(token.id == 1)
        let lse: Float = logf(Self.logits.reduce(0) { $0 + expf($1) })
        #expect(abs(token.logprob - (3.0 - lse)) < 1e-5)
        #expect(token.top.map(\.id) == [1, 5, 2])
        #expect(abs(token.top[1].logprob - (2.9 - lse)) < 1e-5)
    }

    @Test func seedMakesSamplingReproducible() {
        let params: SamplingParams = SamplingParams(temperature: 1.5, seed: 1234)
        let first: [Int32] = sample(params, times: 50).map(\.id)
        let second: [Int32] = sample(params, times: 50).map(\.id)
        #expect(first == second)
        #expect(Set(first).count > 2)  // temperature 1.5 over 6 tokens does explore
        let other: [Int32] = sample(SamplingParams(temperature: 1.5, seed: 99), times: 50).map(\.id)
        #expect(other != first)
    }

    @Test func topKAndTopPAndMinPRestrictCandidates() {
        let topK: Set<Int32> = Set(sample(SamplingParams(temperature: 5, topK: 2, seed: 1), times: 200).map(\.id))
        #expect(topK == [1, 5])
        let topP: Set<Int32> = Set(sample(SamplingParams(temperature: 1, topP: 0.5, seed: 2), times: 200).map(\.id))
        #expect(topP.isSubset(of: [1, 5]) && topP.contains(1))
        let minP: Set<Int32> = Set(sample(SamplingParams(temperature: 1, minP: 0.5, seed: 3), times: 200).map(\.id))
        #expect(minP == [1, 5, 2])  // p(2)/p(1) = e^-0.5 ≈ 0.61 ≥ 0.5; p(0)/p(1) = e^-2 < 0.5
        let one: Set<Int32> = Set(sample(SamplingParams(temperature: 3, topK: 1, seed: 4), times: 20).map(\.id))
        #expect(one == [1])
    }

    @Test func penaltiesDiscourageRepeats() {
        // Frequency penalty: after choosing 1 once, 5 (2.9) beats 1 (3.0 - 0.5).
        let frequency: [Int32] = sample(SamplingParams(temperature: 0, frequencyPenalty: 0.5), times: 2).map(\.id)
        #expect(frequency == [1, 5])
        let presence: [Int32] = sample(SamplingParams(temperature: 0, presencePenalty: 0.2), times: 3).map(\.id)
        #expect(presence == [1, 5, 1])  // 1: 3.0-0.2 still beats 5: 2.9-0.2
        // Repetition penalty divides positive logits of recent tokens (prompt included).
        var sampler: Sampler = Sampler(params: SamplingParams(temperature: 0, repetitionPenalty: 1.1), vocabSize: 6)
        sampler.observePrompt([1])
        let token: GeneratedToken = Self.logits.withUnsafeBufferPointer { sampler.sample($0) }
        #expect(token.id == 5)
        // Logprobs stay those of the raw logits.
        let lse: Float = logf(Self.logits.reduce(0) { $0 + expf($1) })
        #expect(abs(token.logprob - (2.9 - lse)) < 1e-5)
    }

    @Test func randomGeneratorIsUniformEnough() {
        var random: SamplerRandom = SamplerRandom(seed: 5)
        let draws: [Float] = (0..<10_000).map { _ in random.nextUnitFloat() }
        #expect(draws.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean: Float = draws.reduce(0, +) / Float(draws.count)
        #expect(abs(mean - 0.5) < 0.02)
    }
}
