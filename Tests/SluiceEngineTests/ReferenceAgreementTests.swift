import Foundation
import Testing

@testable import SluiceEngine

/// Agreement with llama.cpp's outputs for the default model (fixtures in ../shared/fixtures).
@Suite(.serialized) struct ReferenceAgreementTests {
    struct Step: Decodable {
        let id: Int
        let logprob: Double
        let top: [[TopEntry]]
    }

    /// `[id, logprob, bytes]` triples.
    enum TopEntry: Decodable {
        case number(Double)
        case bytes([Int])
        init(from decoder: any Decoder) throws {
            let container: any SingleValueDecodingContainer = try decoder.singleValueContainer()
            if let value: Double = try? container.decode(Double.self) { self = .number(value) } else { self = .bytes(try container.decode([Int].self)) }
        }
        var number: Double? {
            if case .number(let value) = self { return value }
            return nil
        }
    }

    struct Chat: Decodable {
        let prompt_ids: [Int]
        let steps: [Step]
    }

    struct Fixture: Decodable { let chat: [Chat] }

    static func fixture() throws -> Fixture {
        // Tests/SluiceEngineTests/X.swift → repo root is three levels up; fixtures live beside the repo.
        let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url: URL = root.appendingPathComponent("../shared/fixtures/smollm2-135m-q4_1.reference.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// Greedy-decodes each fixture prompt and compares every step with llama.cpp's choice and logprob.
    @Test func greedyDecodingMatchesLlamaCpp() throws {
        let fixture: Fixture = try Self.fixture()
        #expect(fixture.chat.count == 8)
        let engine: InferenceEngine = try TestModel.engine()
        var comparedSteps: Int = 0
        for (index, chat) in fixture.chat.enumerated() {
            let prompt: [Int32] = chat.prompt_ids.map { Int32($0) }
            let sequence: Int = try engine.cache.allocateSequence()
            defer { engine.cache.releaseSequence(sequence) }
            var batch: [BatchToken] = prompt.enumerated().map {
                BatchToken(sequence: sequence, position: $0.offset, token: $0.element, wantsLogits: $0.offset == prompt.count - 1)
            }
            for (stepIndex, step) in chat.steps.prefix(24).enumerated() {
                try engine.forward(batch)
                let logits: UnsafeBufferPointer<Float> = engine.logits(row: 0)
                var sampler: Sampler = Sampler(params: SamplingParams(temperature: 0, topLogprobs: 2), vocabSize: logits.count)
                let token: GeneratedToken = sampler.sample(logits)
                let top0: Double = step.top[0][1].number ?? 0
                let top1: Double = step.top.count > 1 ? (step.top[1][1].number ?? -.infinity) : -.infinity
                if top0 - top1 < 0.05 { break }  // llama.cpp itself is undecided: stop comparing this chat
                #expect(Int(token.id) == step.id, "chat \(index) step \(stepIndex): got \(token.id), llama.cpp \(step.id)")
                guard Int(token.id) == step.id else { break }
                #expect(abs(Double(token.logprob) - step.logprob) <= 0.1, "chat \(index) step \(stepIndex): logprob \(token.logprob) vs \(step.logprob)")
                comparedSteps += 1
                batch = [BatchToken(sequence: sequence, position: prompt.count + stepIndex, token: token.id, wantsLogits: true)]
            }
        }
        #expect(comparedSteps >= 100)
    }

    /// The public generation API reproduces llama.cpp's greedy completion and stops at EOS.
    @Test func localModelGreedyGenerationStopsAtEOS() async throws {
        let fixture: Fixture = try Self.fixture()
        let model: LocalModel = try LocalModel(path: TestModel.path(), threads: 2, contextLength: 512)
        // Chat 5's completion ends with EOS (token 2) within 24 steps.
        let chat: Chat = fixture.chat[5]
        let expected: [Int] = chat.steps.map(\.id)
        #expect(expected.last == 2)
        let collected: TokenCollector = TokenCollector()
        let summary: GenerationSummary = try await model.generate(
            prompt: chat.prompt_ids.map { Int32($0) }, params: SamplingParams(temperature: 0, maxTokens: 64, topLogprobs: 3)
        ) { (token: GeneratedToken) -> Bool in
            collected.append(token)
            return true
        }
        let tokens: [GeneratedToken] = collected.tokens
        #expect(summary.finishReason == .stop)
        #expect(tokens.map { Int($0.id) } == Array(expected.dropLast()))
        #expect(summary.completionTokens == expected.count - 1)
        #expect(tokens.first?.top.count == 3)
        #expect(tokens.first?.top.first?.id == tokens.first?.id)

        // maxTokens cuts generation with finish reason `.length`, via the stream API.
        var streamed: [Int32] = []
        var finish: FinishReason?
        for try await event: GenerationEvent in model.stream(prompt: chat.prompt_ids.map { Int32($0) }, params: SamplingParams(temperature: 0, maxTokens: 4)) {
            switch event {
            case .started: #expect(streamed.isEmpty)
            case .token(let token): streamed.append(token.id)
            case .finished(let summary): finish = summary.finishReason
            }
        }
        #expect(streamed.map { Int($0) } == Array(expected.prefix(4)))
        #expect(finish == .length)
    }
}

/// Thread-safe token sink for callbacks that run on the engine thread.
final class TokenCollector: @unchecked Sendable {
    private let lock: NSLock = NSLock()
    private var storage: [GeneratedToken] = []
    func append(_ token: GeneratedToken) { lock.withLock { storage.append(token) } }
    var tokens: [GeneratedToken] { lock.withLock { storage } }
}
