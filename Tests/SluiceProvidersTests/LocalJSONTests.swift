import Foundation
import Logging
import SluiceAPI
import SluiceEngine
import SluiceProviders
import Testing

/// `response_format` on the built-in engine: constrained JSON through the provider, and 400s for
/// schemas it cannot guarantee.
@Suite("Local JSON output", .serialized)
struct LocalJSONTests {
    static func schema(_ json: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    }

    static func request(_ text: String, format: ResponseFormat, maxTokens: Int = 80) -> ChatRequest {
        LocalProviderTests.request(text) {
            $0.responseFormat = format
            $0.maxTokens = maxTokens
        }
    }

    @Test("json_schema output parses and has the required keys with the right types")
    func schemaOutputValidates() async throws {
        let provider = try LocalProviderTests.provider.get()
        let schema = try Self.schema(
            #"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"pets":{"type":"array","items":{"type":"string"},"maxItems":3}},"required":["name","age","pets"],"additionalProperties":false}"#)
        let request = Self.request(
            "Describe a person as JSON.", format: .jsonSchema(JSONSchemaFormat(name: "person", schema: schema, strict: true)))
        try provider.check(request)
        let response = try await provider.complete(request, context: LocalProviderTests.context)
        let text = try #require(response.choices.first?.message.content?.text)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        #expect(Set(object.keys) == ["name", "age", "pets"], "\(text)")
        #expect(object["name"] is String)
        #expect((object["age"] as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } == true)
        #expect(((object["pets"] as? [Any])?.count ?? 99) <= 3)
        #expect(response.choices.first?.finishReason == .stop)
    }

    @Test("json_object streams an object that parses")
    func jsonObjectStreams() async throws {
        let provider = try LocalProviderTests.provider.get()
        let request = Self.request("Give me a JSON object about a dog.", format: .jsonObject, maxTokens: 40)
        try provider.check(request)
        var text = ""
        for try await chunk in try await provider.stream(request, context: LocalProviderTests.context) {
            text += chunk.choices.first?.delta.content ?? ""
        }
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any], "\(text)")
    }

    @Test("an unsupported keyword is a 400 that names it and its path")
    func unsupportedKeywordIsRefused() throws {
        let provider = try LocalProviderTests.provider.get()
        let schema = try Self.schema(#"{"type":"object","properties":{"a":{"type":"string","pattern":"^x+$"}}}"#)
        let request = Self.request("x", format: .jsonSchema(JSONSchemaFormat(name: "x", schema: schema)))
        do {
            try provider.check(request)
            Issue.record("check accepted an unsupported schema")
        } catch {
            guard case .badRequest(let apiError) = error else {
                Issue.record("not a bad request: \(error)")
                return
            }
            #expect(apiError.status == 400)
            #expect(apiError.param == "response_format.json_schema.schema")
            #expect(apiError.message.contains("'pattern'") && apiError.message.contains("/properties/a"), "\(apiError.message)")
        }
    }

    @Test("max_tokens below the shortest valid document is a 400")
    func tinyBudgetIsRefused() async throws {
        let provider = try LocalProviderTests.provider.get()
        let schema = try Self.schema(#"{"type":"object","properties":{"name":{"type":"string"},"city":{"type":"string"}},"required":["name","city"]}"#)
        let request = Self.request("x", format: .jsonSchema(JSONSchemaFormat(name: "x", schema: schema)), maxTokens: 2)
        await #expect(throws: ProviderError.self) { _ = try await provider.complete(request, context: LocalProviderTests.context) }
    }
}
