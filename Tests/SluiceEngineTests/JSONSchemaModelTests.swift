import Foundation
import Synchronization
import Testing

@testable import SluiceEngine

/// Constrained decoding with the real SmolLM2 model: every output must parse with Foundation and
/// validate against its schema (checked by the independent ``JSONSchemaTestValidator``).
@Suite(.serialized) struct JSONSchemaModelTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        /// nil: any JSON object (`json_object` mode).
        let schema: String?
        let prompt: String
        var maxTokens: Int = 120
        var prefix: String = ""
        var suffix: String = ""
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "json_object", schema: nil, prompt: "Describe a cat as a JSON object."),
        Case(name: "person", schema: #"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"],"additionalProperties":false}"#, prompt: "Give me a person with a name and an age, as JSON."),
        Case(name: "optional properties", schema: #"{"type":"object","properties":{"title":{"type":"string"},"year":{"type":"integer"},"rating":{"type":"number"},"seen":{"type":"boolean"}},"required":["title"],"additionalProperties":false}"#, prompt: "Describe a famous movie as JSON."),
        Case(name: "string array", schema: #"{"type":"array","items":{"type":"string"},"minItems":2,"maxItems":4}"#, prompt: "List three fruits as a JSON array."),
        Case(name: "enum", schema: #"{"type":"object","properties":{"color":{"type":"string","enum":["red","green","blue"]}},"required":["color"],"additionalProperties":false}"#, prompt: "What color is the sky? Answer in JSON."),
        Case(name: "boolean", schema: #"{"type":"object","properties":{"answer":{"type":"boolean"}},"required":["answer"],"additionalProperties":false}"#, prompt: "Is water wet? Answer in JSON."),
        Case(name: "nested object", schema: #"{"type":"object","properties":{"name":{"type":"string"},"address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}},"required":["street","city"],"additionalProperties":false}},"required":["name","address"],"additionalProperties":false}"#, prompt: "Make up a person and their address as JSON.", maxTokens: 160),
        Case(name: "array of objects", schema: #"{"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"price":{"type":"number"}},"required":["name","price"],"additionalProperties":false},"maxItems":3}},"required":["items"],"additionalProperties":false}"#, prompt: "List some groceries with prices as JSON.", maxTokens: 160),
        Case(name: "anyOf scalar", schema: #"{"type":"object","properties":{"value":{"anyOf":[{"type":"string"},{"type":"integer"}]}},"required":["value"],"additionalProperties":false}"#, prompt: "How many legs does a spider have? Answer in JSON."),
        Case(name: "nullable", schema: #"{"type":"object","properties":{"nickname":{"type":["string","null"]},"id":{"type":"integer"}},"required":["nickname","id"],"additionalProperties":false}"#, prompt: "Give a user record as JSON."),
        Case(name: "const", schema: #"{"type":"object","properties":{"kind":{"const":"event"},"date":{"type":"string"},"place":{"type":"string"}},"required":["kind","date","place"],"additionalProperties":false}"#, prompt: "Describe a concert as JSON."),
        Case(name: "string length", schema: #"{"type":"object","properties":{"code":{"type":"string","minLength":3,"maxLength":6}},"required":["code"],"additionalProperties":false}"#, prompt: "Give an airport code as JSON."),
        Case(name: "$defs reference", schema: ##"{"$defs":{"point":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x","y"],"additionalProperties":false}},"type":"object","properties":{"from":{"$ref":"#/$defs/point"},"to":{"$ref":"#/$defs/point"}},"required":["from","to"],"additionalProperties":false}"##, prompt: "Give a line segment as JSON with two points."),
        Case(name: "recursive tree", schema: ##"{"$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":2}},"required":["value","children"],"additionalProperties":false}},"$ref":"#/$defs/node"}"##, prompt: "Write a small tree of numbers as JSON.", maxTokens: 100),
        Case(name: "map of integers", schema: #"{"type":"object","additionalProperties":{"type":"integer"}}"#, prompt: "Give the populations of three cities as JSON.", maxTokens: 80),
        Case(name: "top-level integer", schema: #"{"type":"integer"}"#, prompt: "How many days are in a week? Answer with a number.", maxTokens: 20),
        Case(name: "top-level number", schema: #"{"type":"number"}"#, prompt: "What is pi?", maxTokens: 24),
        Case(name: "mixed enum", schema: #"{"enum":[1,"two",null,true]}"#, prompt: "Pick one.", maxTokens: 10),
        Case(name: "matrix", schema: #"{"type":"array","items":{"type":"array","items":{"type":"integer"},"minItems":2,"maxItems":2},"minItems":2,"maxItems":3}"#, prompt: "Write a 2x2 matrix as JSON."),
        Case(name: "many optional", schema: #"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"},"c":{"type":"boolean"},"d":{"type":"null"},"e":{"type":"array","items":{"type":"integer"}}},"additionalProperties":false}"#, prompt: "Give any JSON object."),
        Case(name: "discriminated union", schema: #"{"anyOf":[{"type":"object","properties":{"shape":{"const":"circle"},"radius":{"type":"number"}},"required":["shape","radius"],"additionalProperties":false},{"type":"object","properties":{"shape":{"const":"square"},"side":{"type":"number"}},"required":["shape","side"],"additionalProperties":false}]}"#, prompt: "Describe a shape as JSON."),
        Case(name: "tool call with prefix and suffix", schema: #"{"type":"object","properties":{"name":{"enum":["get_weather"]},"arguments":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}},"required":["name","arguments"],"additionalProperties":false}"#, prompt: "What is the weather in Paris?", prefix: "<tool_call>\n", suffix: "\n</tool_call>"),
        Case(name: "tight budget", schema: #"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"},"minItems":1}},"required":["name","age","tags"],"additionalProperties":false}"#, prompt: "Describe a person in great detail as JSON.", maxTokens: 14),
    ]

    /// Cases also sampled at temperature 1.0 (seeded).
    static let sampled: [String] = ["json_object", "person", "optional properties", "nested object", "array of objects", "recursive tree", "many optional", "discriminated union", "tight budget", "map of integers"]

    /// The model served as a request would be (one sequence at a time), its tokenizer, template and
    /// JSON vocabulary.
    static let model: Result<(LocalModel, Tokenizer, ChatTemplate, JSONVocabulary), any Error> = Result {
        let model: LocalModel = try LocalModel(
            path: TestModel.path(), threads: 2, contextLength: 2048, settings: SchedulerSettings(parallel: 1))
        let tokenizer: Tokenizer = try Tokenizer(gguf: model.file)
        return (model, tokenizer, try ChatTemplate(tokenizer: tokenizer), JSONVocabulary(tokenizer: tokenizer, endTokens: model.config.endTokens))
    }

    struct Output {
        let text: String
        let summary: GenerationSummary
        let statistics: JSONSteeringStatistics
    }

    static func generate(_ item: Case, params: SamplingParams) async throws -> Output {
        let (model, tokenizer, template, vocabulary) = try model.get()
        let grammar: JSONGrammar = try item.schema.map { try JSONSchemaCompiler.compile(json: $0) } ?? JSONSchemaCompiler.anyObject()
        let steering: JSONSchemaSteering = try JSONSchemaSteering(
            grammar: grammar, vocabulary: vocabulary, maxTokens: item.maxTokens, prefix: item.prefix, suffix: item.suffix)
        let prompt: String = try template.render(messages: [
            ["role": "system", "content": "You answer in JSON."], ["role": "user", "content": .string(item.prompt)],
        ])
        var params: SamplingParams = params
        params.maxTokens = item.maxTokens
        let ids: Mutex<[Int32]> = Mutex([])
        let summary: GenerationSummary = try await model.generate(
            prompt: tokenizer.encode(prompt, addSpecial: true), params: params, steering: steering
        ) { (token: GeneratedToken) -> Bool in
            ids.withLock { $0.append(token.id) }
            return true
        }
        let text: String = String(decoding: tokenizer.decodeBytes(ids.withLock { $0 }, includeSpecial: true), as: UTF8.self)
        return Output(text: text, summary: summary, statistics: steering.statistics)
    }

    /// Parses with Foundation and validates independently; returns the problem, if any.
    static func problem(_ item: Case, _ output: String) -> String? {
        guard output.hasPrefix(item.prefix), output.hasSuffix(item.suffix), output.count >= item.prefix.count + item.suffix.count else {
            return "prefix/suffix missing"
        }
        let document: String = String(output.dropFirst(item.prefix.count).dropLast(item.suffix.count))
        guard let value: Any = try? JSONSerialization.jsonObject(with: Data(document.utf8), options: [.fragmentsAllowed]) else {
            return "does not parse"
        }
        if item.schema == nil { return value is [String: Any] ? nil : "not an object" }
        return JSONSchemaTestValidator(schema: item.schema!).violation(value)
    }

    @Test(arguments: cases)
    func greedyOutputValidates(_ item: Case) async throws {
        let output: Output = try await Self.generate(item, params: .greedy)
        #expect(Self.problem(item, output.text) == nil, "\(item.name): \(output.text)")
        #expect(output.summary.completionTokens <= item.maxTokens)
        print("[json greedy] \(item.name): \(output.text) (\(output.summary.finishReason), \(output.summary.completionTokens) tokens, \(output.statistics))")
    }

    @Test(arguments: cases.filter { sampled.contains($0.name) })
    func sampledOutputValidates(_ item: Case) async throws {
        let output: Output = try await Self.generate(item, params: SamplingParams(temperature: 1.0, seed: 42))
        #expect(Self.problem(item, output.text) == nil, "\(item.name): \(output.text)")
        print("[json t=1] \(item.name): \(output.text) (\(output.summary.finishReason), \(output.summary.completionTokens) tokens)")
    }

    @Test func endTokensAreRefusedUntilTheDocumentIsComplete() throws {
        let (_, _, _, vocabulary) = try Self.model.get()
        let steering: JSONSchemaSteering = try JSONSchemaSteering(grammar: JSONSchemaCompiler.anyObject(), vocabulary: vocabulary, maxTokens: 50)
        let end: Int32 = try #require(vocabulary.endTokens.first)
        #expect(!steering.allows(end))
        let open: Int32 = try #require(vocabulary.tokenizer.tokenID(for: "{"))
        let close: Int32 = try #require(vocabulary.tokenizer.tokenID(for: "}"))
        #expect(!steering.allows(close))
        #expect(steering.allows(open))
        steering.accept(open)
        #expect(!steering.isComplete)
        #expect(!steering.allows(end))
        #expect(steering.allows(close))
        steering.accept(close)
        #expect(steering.isComplete)
    }

    @Test func maskKeepsOnlyAllowedTokens() throws {
        let (_, _, _, vocabulary) = try Self.model.get()
        let grammar: JSONGrammar = try JSONSchemaCompiler.compile(json: #"{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}"#)
        let steering: JSONSchemaSteering = try JSONSchemaSteering(grammar: grammar, vocabulary: vocabulary, maxTokens: 40)
        var logits: [Float] = [Float](repeating: 0, count: vocabulary.tokenCount)
        logits.withUnsafeMutableBufferPointer { steering.mask($0) }
        let kept: [Int32] = logits.indices.filter { logits[$0] > -.infinity }.map { Int32($0) }
        #expect(!kept.isEmpty)
        for token: Int32 in kept {
            #expect(steering.allows(token), "\(token)")
            let text: String = String(decoding: vocabulary.tokenizer.pieceBytes(token), as: UTF8.self)
            #expect(#"{"ok":false}"#.hasPrefix(text) || #"{"ok":true}"#.hasPrefix(text) || #"{"ok": true}"#.hasPrefix(text) || #"{"ok": false}"#.hasPrefix(text), "\(text)")
        }
    }

    @Test func budgetTooSmallIsRefusedUpFront() throws {
        let (_, _, _, vocabulary) = try Self.model.get()
        let grammar: JSONGrammar = try JSONSchemaCompiler.compile(json: #"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}"#)
        #expect(throws: JSONSchemaError.self) { try JSONSchemaSteering(grammar: grammar, vocabulary: vocabulary, maxTokens: 2) }
    }
}
