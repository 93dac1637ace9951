import Foundation
import Testing

@testable import SluiceEngine

/// The context cache: requests sharing a token prefix reuse its KV blocks, without changing any output.
@Suite(.serialized) struct PrefixCacheTests {
    typealias Output = BatchSchedulerTests.Output

    /// A 300-token shared "document" followed by one of the reference prompts.
    static func prompt(question: Int) throws -> (shared: [Int32], full: [Int32]) {
        let prompts: [[Int32]] = try BatchSchedulerTests.prompts()
        var shared: [Int32] = []
        var index: Int = 0
        while shared.count < 300 {
            shared += prompts[index % prompts.count]
            index += 1
        }
        shared = Array(shared.prefix(300))
        return (shared, shared + prompts[question])
    }

    static func commonPrefix(_ a: [Int32], _ b: [Int32]) -> Int {
        zip(a, b).prefix { $0 == $1 }.count
    }

    @Test func warmOutputEqualsColdAndCachedTokensCountTheReusedPrefix() async throws {
        let (_, first) = try Self.prompt(question: 1)
        let (_, second) = try Self.prompt(question: 2)
        let cold: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 2, contextLength: 1024, settings: SchedulerSettings(parallel: 2, prefixCache: false))
        let coldFirst: Output = try await BatchSchedulerTests.run(cold, first)
        let coldSecond: Output = try await BatchSchedulerTests.run(cold, second)
        #expect(coldSecond.summary.cachedTokens == 0)

        let warm: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 2, contextLength: 1024, settings: SchedulerSettings(parallel: 2))
        let warmFirst: Output = try await BatchSchedulerTests.run(warm, first)
        #expect(warmFirst.summary.cachedTokens == 0)
        #expect(warmFirst.ids == coldFirst.ids)

        // The second prompt shares the document (and the chat template's opening) with the first.
        let warmSecond: Output = try await BatchSchedulerTests.run(warm, second)
        let shared: Int = Self.commonPrefix(first, second)
        #expect(shared >= 300)
        // Whole blocks, then the shared slots of the next cached block (copied).
        #expect(warmSecond.summary.cachedTokens == shared)
        #expect(warmSecond.ids == coldSecond.ids)
        #expect(warmSecond.logprobs == coldSecond.logprobs)

        // The same prompt again: everything but its last token comes from the cache.
        let again: Output = try await BatchSchedulerTests.run(warm, second)
        #expect(again.summary.cachedTokens == second.count - 1)
        #expect(again.ids == coldSecond.ids)
        #expect(warm.scheduler.load.cache.blocksInUse == 0)
        #expect(warm.scheduler.load.cache.cachedBlocks > 0)
    }

    @Test func aFollowUpTurnReusesTheEarlierAnswerToo() async throws {
        let prompts: [[Int32]] = try BatchSchedulerTests.prompts()
        let (_, turn1) = try Self.prompt(question: 4)
        let model: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 2, contextLength: 1024, settings: SchedulerSettings(parallel: 2))
        var params: SamplingParams = SamplingParams(temperature: 0, maxTokens: 40)
        params.ignoreEndTokens = true
        let collected: TokenCollector = TokenCollector()
        let summary: GenerationSummary = try await model.generate(prompt: turn1, params: params) {
            collected.append($0)
            return true
        }
        #expect(summary.completionTokens == 40)
        let answer: [Int32] = collected.tokens.map(\.id)
        let turn2: [Int32] = turn1 + answer + prompts[3]
        let follow: Output = try await BatchSchedulerTests.run(model, turn2, maxTokens: 4)
        // The cache holds the first prompt and the 39 answer tokens fed back (the last one never was).
        #expect(follow.summary.cachedTokens == turn1.count + 39)
        #expect(follow.summary.cachedTokens > turn1.count / 32 * 32)

        let cold: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 2, contextLength: 1024, settings: SchedulerSettings(parallel: 1, prefixCache: false))
        #expect(try await BatchSchedulerTests.run(cold, turn2, maxTokens: 4).ids == follow.ids)
    }

    @Test func evictionKeepsTheCacheUnderItsCapAndDropsTheLeastRecentPrefix() async throws {
        let prompts: [[Int32]] = try BatchSchedulerTests.prompts()
        let config: ModelConfig = try InferenceEngine.modelConfig(of: GGUFFile(path: TestModel.path()))
        let perToken: Int = PagedKVCache.bytesPerToken(layerCount: config.layerCount, kvDim: config.kvDim)
        // Ten blocks of 32 tokens: room for about three cached prompts of ~100 tokens.
        let model: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 2, contextLength: 256, settings: SchedulerSettings(parallel: 1),
            cacheBytes: perToken * 320)
        #expect(model.scheduler.load.cache.capacityBlocks == 10)
        // Distinct from the first token on, so no prompt shares a block with another.
        let distinct: [[Int32]] = (0..<6).map { (index: Int) -> [Int32] in
            var prompt: [Int32] = [Int32(1000 + index)]
            while prompt.count < 96 { prompt += prompts[(index + prompt.count) % prompts.count] }
            return Array(prompt.prefix(96))
        }
        var firstOutputs: [Output] = []
        for prompt: [Int32] in distinct {
            firstOutputs.append(try await BatchSchedulerTests.run(model, prompt, maxTokens: 8))
            let cache: KVCacheStatistics = model.scheduler.load.cache
            #expect(cache.cachedBlocks <= cache.capacityBlocks)
            #expect(cache.blocksInUse == 0)
        }
        let statistics: KVCacheStatistics = model.scheduler.load.cache
        #expect(statistics.evictions > 0)
        // The oldest prompt was evicted; the newest is still cached. Outputs do not change either way.
        let oldest: Output = try await BatchSchedulerTests.run(model, distinct[0], maxTokens: 8)
        #expect(oldest.summary.cachedTokens == 0)
        #expect(oldest.ids == firstOutputs[0].ids)
        let newest: Output = try await BatchSchedulerTests.run(model, distinct[4], maxTokens: 8)
        #expect(newest.summary.cachedTokens == 64)
        #expect(newest.ids == firstOutputs[4].ids)
        let latest: Output = try await BatchSchedulerTests.run(model, distinct[0], maxTokens: 8)
        #expect(latest.summary.cachedTokens == 95)
        #expect(latest.ids == firstOutputs[0].ids)
    }
}
