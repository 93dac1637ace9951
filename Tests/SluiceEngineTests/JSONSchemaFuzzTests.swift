import Foundation
import Testing

@testable import SluiceEngine

/// The guarantee without a model's good manners: random logits (so the sampler proposes arbitrary
/// tokens, multi-byte pieces, quotes and end tokens) through the real decoder loop, for every schema of
/// the model tests and budgets from the minimum up. Every output must parse and validate.
@Suite struct JSONSchemaFuzzTests {
    static let vocabulary: Result<JSONVocabulary, any Error> = Result {
        let file: GGUFFile = try GGUFFile(path: TestModel.path())
        return JSONVocabulary(tokenizer: try Tokenizer(gguf: file))
    }

    @Test(arguments: JSONSchemaModelTests.cases)
    func randomLogitsStillValidate(_ item: JSONSchemaModelTests.Case) throws {
        let vocabulary: JSONVocabulary = try Self.vocabulary.get()
        let grammar: JSONGrammar = try item.schema.map { try JSONSchemaCompiler.compile(json: $0) } ?? JSONSchemaCompiler.anyObject()
        var random: SamplerRandom = SamplerRandom(seed: 1234)
        var logits: [Float] = [Float](repeating: 0, count: vocabulary.tokenCount)
        for (run, budget): (Int, Int) in [16, 24, 40, 90].enumerated() {
            let steering: JSONSchemaSteering
            do {
                steering = try JSONSchemaSteering(grammar: grammar, vocabulary: vocabulary, maxTokens: budget, prefix: item.prefix, suffix: item.suffix)
            } catch {
                #expect(budget < 30, "\(item.name): refused budget \(budget): \(error)")
                continue
            }
            var params: SamplingParams = SamplingParams(temperature: 1, seed: UInt64(run))
            params.maxTokens = budget
            var decoder: SequenceDecoder = SequenceDecoder(
                params: params, prompt: [1], vocabSize: vocabulary.tokenCount, modelEndTokens: vocabulary.endTokens, steering: steering)
            var ids: [Int32] = []
            while true {
                for index: Int in logits.indices { logits[index] = random.nextUnitFloat() * 8 }
                let step: SequenceDecoder.Step = logits.withUnsafeBufferPointer { decoder.step($0) }
                guard case .emit(let token) = step else { break }
                ids.append(token.id)
                if decoder.isExhausted { break }
            }
            let text: String = String(decoding: vocabulary.tokenizer.decodeBytes(ids, includeSpecial: true), as: UTF8.self)
            #expect(ids.count <= budget)
            #expect(JSONSchemaModelTests.problem(item, text) == nil, "\(item.name) budget \(budget): \(text)")
        }
    }
}
