import Foundation
import Logging
import SluiceAPI
import SluiceEngine
import SluiceProviders
import Testing

/// The built-in engine behind the provider seam, with the real default model (SmolLM2-135M Q4_1).
/// `scripts/test` fetches the model first; the tests fail loudly if it is missing.
@Suite("Local provider", .serialized)
struct LocalProviderTests {
    static let context = RequestContext(requestID: "req_local", logger: Logger(label: "test"))

    /// One provider for the suite: loading maps the file once.
    static let provider: Result<LocalProvider, any Error> = Result {
        let path = ProcessInfo.processInfo.environment["SLUICE_TEST_MODEL"] ?? ModelFetcher().defaultModelPath.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw LocalProviderError.missingPath("default model not found at \(path); run `sluice models fetch`")
        }
        return try LocalProvider(endpoint: ModelEndpoint(name: "local", kind: .local, modelPath: path), threads: 2)
    }

    static func request(_ text: String, _ configure: (inout ChatRequest) -> Void = { _ in }) -> ChatRequest {
        var request = ChatRequest(model: "local", messages: [.text(.user, text)])
        request.temperature = 0
        configure(&request)
        return request
    }

    @Test("greedy output equals llama.cpp's for the fixture prompt")
    func greedyMatchesReference() async throws {
        let provider = try Self.provider.get()
        let response = try await provider.complete(
            Self.request("What is the capital of France?") { $0.maxTokens = 24 }, context: Self.context)
        #expect(response.choices.first?.message.content?.text == "L'Étoile, la Marseillaise, la femme au martyre, la femme au mart")
        #expect(response.choices.first?.finishReason == .length)
        #expect(response.usage?.promptTokens == 37, "the fixture's prompt ids are 37 tokens")
        #expect(response.usage?.completionTokens == 24)
    }

    @Test("streaming yields the same text as the complete response, then finish and usage")
    func streamingMatches() async throws {
        let provider = try Self.provider.get()
        let request = Self.request("Why is the sky blue?") {
            $0.messages.insert(.text(.system, "You answer in one short sentence."), at: 0)
            $0.maxTokens = 16
        }
        let whole = try await provider.complete(request, context: Self.context)
        var text = ""
        var chunks: [ChatChunk] = []
        for try await chunk in try await provider.stream(request, context: Self.context) {
            chunks.append(chunk)
            text += chunk.choices.first?.delta.content ?? ""
        }
        #expect(text == whole.choices.first?.message.content?.text)
        #expect(chunks.first?.choices.first?.delta.role == .assistant)
        #expect(chunks.dropLast().last?.choices.first?.finishReason == .length)
        #expect(chunks.last?.choices.isEmpty == true)
        #expect(chunks.last?.usage?.promptTokens == whole.usage?.promptTokens)
        #expect(chunks.last?.usage?.completionTokens == whole.usage?.completionTokens)
        // The same prompt again: all of it but its last token comes from the context cache.
        #expect(chunks.last?.usage?.cachedTokens == (whole.usage?.promptTokens ?? 0) - 1)
        #expect(text.hasPrefix("The sky blue is a result of the Earth"))
    }

    @Test("a stop sequence ends the answer before it, with finish reason stop")
    func stopSequence() async throws {
        let provider = try Self.provider.get()
        let response = try await provider.complete(
            Self.request("What is the capital of France?") { $0.stop = StopSequences(["Marseillaise"]) }, context: Self.context)
        #expect(response.choices.first?.message.content?.text == "L'Étoile, la ")
        #expect(response.choices.first?.finishReason == .stop)
    }

    @Test("logprobs agree with llama.cpp's within 0.1")
    func logprobs() async throws {
        let provider = try Self.provider.get()
        let response = try await provider.complete(
            Self.request("What is the capital of France?") {
                $0.maxTokens = 2
                $0.logprobs = true
                $0.topLogprobs = 3
            }, context: Self.context)
        let first = try #require(response.choices.first?.logprobs?.content?.first)
        #expect(first.token == "L")
        #expect(abs(first.logprob - -1.9186) < 0.1)
        #expect(first.topLogprobs.count == 3)
        #expect(first.topLogprobs.map(\.token) == ["L", "The", "La"])
        #expect(first.bytes == [76])
    }

    @Test("a seed makes sampling reproducible")
    func seeded() async throws {
        let provider = try Self.provider.get()
        func sample(_ seed: Int64) async throws -> String {
            let response = try await provider.complete(
                Self.request("Tell me a fun fact.") {
                    $0.temperature = 0.9
                    $0.seed = seed
                    $0.maxTokens = 12
                }, context: Self.context)
            return response.choices.first?.message.content?.text ?? ""
        }
        let first = try await sample(7)
        #expect(try await sample(7) == first)
        let others = try await [sample(8), sample(9), sample(10)]
        #expect(others.contains { $0 != first }, "different seeds should not all agree")
    }

    @Test("what the engine cannot do yet is refused with a 400 naming it")
    func unsupported() throws {
        let provider = try Self.provider.get()
        var choices = Self.request("hi")
        choices.n = 2
        var bias = Self.request("hi")
        bias.logitBias = ["17": 5]
        var image = Self.request("hi")
        image.messages = [ChatMessage(role: .user, content: .parts([.imageURL(.init(url: "data:image/png;base64,AA"))]))]
        for (request, param) in [(choices, "n"), (bias, "logit_bias"), (image, "messages[0].content")] {
            #expect(throws: ProviderError.self) { try provider.check(request) }
            do {
                try provider.check(request)
            } catch {
                #expect(error.apiError.status == 400)
                #expect(error.apiError.param == param)
            }
        }
    }

    @Test("a prompt longer than the context is a 400")
    func contextOverflow() async throws {
        let provider = try Self.provider.get()
        let long = String(repeating: "word ", count: 9000)
        await #expect {
            try await provider.complete(Self.request(long), context: Self.context)
        } throws: { error in
            (error as? ProviderError)?.apiError.code == "context_length_exceeded"
        }
    }
}
