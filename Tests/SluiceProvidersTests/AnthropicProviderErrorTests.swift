import Foundation
import SluiceAPI
import SluiceTesting
import Testing

@testable import SluiceProviders

@Suite struct AnthropicProviderErrorTests {
    private func upstreamFailure(_ error: any Error) -> UpstreamFailure? {
        guard case .upstream(let failure)? = error as? ProviderError else { return nil }
        return failure
    }

    @Test func rateLimitKeepsStatusAndRetryAfter() async throws {
        try await withFakeAnthropic { provider, _ in
            let error = await #expect(throws: ProviderError.self) {
                try await provider.complete(anthropicChat("error:429"), context: anthropicTestContext)
            }
            let failure = try #require(error.flatMap(upstreamFailure))
            #expect(failure.status == 429)
            #expect(failure.type == "rate_limit_error")
            #expect(failure.retryAfter == "7")
            #expect(failure.upstream == "claude")
            #expect(error?.apiError.status == 429)
            #expect(error?.apiError.retryAfter == "7")
            #expect(error?.isRetryable == true)
        }
    }

    @Test func serverErrorAndOverload() async throws {
        try await withFakeAnthropic { provider, _ in
            let server = await #expect(throws: ProviderError.self) {
                try await provider.complete(anthropicChat("error:500"), context: anthropicTestContext)
            }
            #expect(server.flatMap(upstreamFailure)?.status == 500)
            #expect(server.flatMap(upstreamFailure)?.type == "api_error")
            #expect(server?.apiError.message.contains("Internal server error") == true)

            let overloaded = await #expect(throws: ProviderError.self) {
                _ = try await provider.stream(anthropicChat("error:529"), context: anthropicTestContext)
            }
            #expect(overloaded?.apiError.status == 503)
            #expect(overloaded?.apiError.type == "overloaded_error")
            #expect(overloaded?.isRetryable == true)
        }
    }

    @Test func wrongKeyBecomes502() async throws {
        try await withFakeAnthropic(apiKey: "wrong-key") { provider, _ in
            let error = await #expect(throws: ProviderError.self) {
                try await provider.complete(anthropicChat("hello"), context: anthropicTestContext)
            }
            #expect(error.flatMap(upstreamFailure)?.status == 401)
            #expect(error.flatMap(upstreamFailure)?.type == "authentication_error")
            #expect(error?.apiError.status == 502)
            #expect(error?.apiError.message.contains("wrong-key") == false)
        }
    }

    @Test func midStreamFailureThrows() async throws {
        try await withFakeAnthropic { provider, _ in
            let stream = try await provider.stream(anthropicChat("midfail: tell me"), context: anthropicTestContext)
            var received = 0
            let error = await #expect(throws: ProviderError.self) {
                for try await _ in stream { received += 1 }
            }
            #expect(received >= 1)
            #expect(error?.isRetryable == true)
        }
    }

    @Test func unsupportedParametersAre400sBeforeAnyCall() async throws {
        try await withFakeAnthropic { provider, recorder in
            var twoChoices = anthropicChat("hello")
            twoChoices.n = 2
            var logprobs = anthropicChat("hello")
            logprobs.logprobs = true
            let audio = ChatRequest(
                model: "claude",
                messages: [ChatMessage(role: .user, content: .parts([.inputAudio(data: "AAAA", format: "wav")]))])
            var tinyLimit = anthropicChat("think: hi")
            tinyLimit.reasoningEffort = "low"
            tinyLimit.maxTokens = 1000
            for (request, param) in [(twoChoices, "n"), (logprobs, "logprobs"), (audio, "messages[0].content"), (tinyLimit, "max_tokens")] {
                let checked = #expect(throws: ProviderError.self) { try provider.check(request) }
                #expect(checked?.apiError.status == 400)
                #expect(checked?.apiError.code == "unsupported_parameter")
                #expect(checked?.apiError.param == param)
                await #expect(throws: ProviderError.self) {
                    try await provider.complete(request, context: anthropicTestContext)
                }
            }
            #expect(recorder.all.isEmpty)
        }
    }

    @Test func streamErrorEventMapsToUpstreamFailure() {
        let overloaded = AnthropicProvider.failure(
            upstream: "claude", streamError: .init(type: "overloaded_error", message: "Overloaded"))
        #expect(overloaded.status == 503)
        #expect(overloaded.type == "overloaded_error")
        #expect(overloaded.message == "Overloaded")
        let invalid = AnthropicProvider.failure(
            upstream: "claude", streamError: .init(type: "invalid_request_error", message: "bad"))
        #expect(invalid.status == 400)
        let body = Array(#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#.utf8)
        let parsed = AnthropicProvider.failure(upstream: "claude", status: 529, body: body)
        #expect(parsed.status == 503)
        #expect(parsed.message == "Overloaded")
    }

    @Test func responseTranslationMapsCacheWritesAndStopSequence() throws {
        let json = #"""
            {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-20250514",
             "content": [{"type": "thinking", "thinking": "Hmm.", "signature": "sig"}, {"type": "text", "text": "One, two"}],
             "stop_reason": "stop_sequence", "stop_sequence": "three",
             "usage": {"input_tokens": 50, "cache_creation_input_tokens": 20, "cache_read_input_tokens": 30, "output_tokens": 9}}
            """#
        let message = try JSONDecoder().decode(AnthropicMessagesResponse.self, from: Data(json.utf8))
        let response = AnthropicProvider.chatResponse(message, jsonTool: nil)
        let choice = try #require(response.choices.first)
        #expect(choice.finishReason == .stop)
        #expect(choice.message.content == .text("One, two"))
        #expect(choice.message.reasoningContent == "Hmm.")
        #expect(choice.message.extra["stop_sequence"] == "three")
        #expect(response.usage?.promptTokens == 100)
        #expect(response.usage?.cachedTokens == 30)
        #expect(response.usage?.promptTokensDetails?.cacheWriteTokens == 20)
        #expect(response.usage?.completionTokens == 9)
        let back = AnthropicBridge.messagesResponse(from: response, requestedModel: "claude")
        #expect(back.stopReason == .stopSequence)
        #expect(back.stopSequence == "three")
        #expect(back.usage == message.usage)
    }

    @Test func defaultBaseURLAndV1Suffix() throws {
        let http = UpstreamHTTP(client: .shared)
        let plain = AnthropicProvider(endpoint: ModelEndpoint(name: "c", kind: .anthropic), http: http)
        #expect(plain.messagesURL == "https://api.anthropic.com/v1/messages")
        let withV1 = AnthropicProvider(
            endpoint: ModelEndpoint(name: "c", kind: .anthropic, baseURL: "https://proxy.example/v1/"), http: http)
        #expect(withV1.messagesURL == "https://proxy.example/v1/messages")
    }
}
