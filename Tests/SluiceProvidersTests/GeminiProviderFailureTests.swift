import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SluiceAPI
import SluiceTesting
import Testing

@testable import SluiceProviders

/// Failures of the Gemini provider against the fake: error statuses, broken streams, unsupported
/// parameters, and the fake's own routing.
@Suite struct GeminiProviderFailureTests {
    @Test func keepsRateLimitStatusAndRetryAfter() async throws {
        try await withGemini { provider, _ in
            let failure = try await Self.upstreamFailure { _ = try await provider.complete(GeminiProviderTests.request("error:429"), context: GeminiProviderTests.context) }
            #expect(failure.status == 429)
            #expect(failure.retryAfter == "7")
            #expect(failure.type == "rate_limit_error")
            #expect(failure.code == "RESOURCE_EXHAUSTED")
            #expect(failure.message.contains("quota"))
            let error = ProviderError.upstream(failure)
            #expect(error.apiError.status == 429)
            #expect(error.apiError.retryAfter == "7")
            #expect(error.isRetryable)
        }
    }

    @Test func reportsServerErrors() async throws {
        try await withGemini { provider, _ in
            let failure = try await Self.upstreamFailure { _ = try await provider.complete(GeminiProviderTests.request("error:500"), context: GeminiProviderTests.context) }
            #expect(failure.status == 500)
            #expect(failure.code == "INTERNAL")
            #expect(failure.message == "An internal error has occurred.")
            #expect(ProviderError.upstream(failure).isRetryable)
        }
    }

    @Test func throwsErrorStatusesFromStreamCall() async throws {
        try await withGemini { provider, _ in
            let failure = try await Self.upstreamFailure {
                _ = try await provider.stream(GeminiProviderTests.request("error:503"), context: GeminiProviderTests.context)
            }
            #expect(failure.status == 503)
            #expect(failure.code == "UNAVAILABLE")
        }
    }

    @Test func failsWhenTheStreamBreaks() async throws {
        try await withGemini { provider, _ in
            let stream = try await provider.stream(GeminiProviderTests.request("midfail: go"), context: GeminiProviderTests.context)
            var received = 0
            do {
                for try await chunk in stream where chunk.choices.first?.delta.content != nil { received += 1 }
                Issue.record("expected the broken stream to throw")
            } catch let error as ProviderError {
                // The connection closed inside the chunked body: a transport failure, retryable.
                guard case .transport = error else {
                    Issue.record("expected a transport failure, got \(error)")
                    return
                }
                #expect(error.isRetryable)
            }
            #expect(received >= 1)
        }
    }

    /// Chunks are handed out as the upstream sends them: the first arrives long before the 4 s the
    /// whole `slow:` stream takes, and dropping the stream early ends the test at once.
    @Test func streamsIncrementallyAndCanBeDropped() async throws {
        try await withGemini { provider, recorder in
            let clock = ContinuousClock()
            let start = clock.now
            let stream = try await provider.stream(GeminiProviderTests.request("slow: tick"), context: GeminiProviderTests.context)
            var received: [String] = []
            for try await chunk in stream {
                if let text = chunk.choices.first?.delta.content { received.append(text) }
                if received.count == 3 { break }
            }
            #expect(received == ["tick 0 ", "tick 1 ", "tick 2 "])
            // The upstream notices the client went away before its 200 events (20 ms apart) are written:
            // chunks were handed out as they came, whatever the machine's load.
            while recorder.cancelledStreams == 0 && clock.now - start < .seconds(10) {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(recorder.cancelledStreams == 1)
        }
    }

    @Test func rejectsUnsupportedParametersBeforeSending() async throws {
        try await withGemini { provider, recorder in
            var request = GeminiProviderTests.request("hello")
            request.logitBias = ["50256": -100]
            #expect(throws: ProviderError.badRequest(.unsupportedParameter("logit_bias", "Gemini models do not support 'logit_bias'."))) {
                try provider.check(request)
            }
            do {
                _ = try await provider.complete(request, context: GeminiProviderTests.context)
                Issue.record("expected a 400")
            } catch let error as ProviderError {
                #expect(error.apiError.status == 400)
                #expect(error.apiError.code == "unsupported_parameter")
                #expect(error.apiError.param == "logit_bias")
            }
            #expect(recorder.all.isEmpty)
        }
    }

    @Test func rejectsUnknownContentParts() async throws {
        try await withGemini { provider, _ in
            let request = ChatRequest(
                model: "gemini-test",
                messages: [ChatMessage(role: .user, content: .parts([.other(["type": "video_url", "video_url": "x"])]))])
            #expect(throws: ProviderError.self) { try provider.check(request) }
            do {
                try provider.check(request)
            } catch let error as ProviderError {
                #expect(error.apiError.status == 400)
                #expect(error.apiError.param == "messages[0].content[0]")
            }
        }
    }

    @Test func wrongKeyIsAnUpstreamError() async throws {
        try await withGemini(apiKey: "wrong") { provider, _ in
            let failure = try await Self.upstreamFailure { _ = try await provider.complete(GeminiProviderTests.request("hi"), context: GeminiProviderTests.context) }
            #expect(failure.status == 400)
            #expect(failure.code == "INVALID_ARGUMENT")
            #expect(failure.message.contains("API key not valid"))
        }
        try await withGemini(apiKey: nil) { provider, _ in
            let failure = try await Self.upstreamFailure { _ = try await provider.complete(GeminiProviderTests.request("hi"), context: GeminiProviderTests.context) }
            #expect(failure.status == 403)
            // Sluice's own upstream configuration is at fault, not the caller: 502 to the client.
            #expect(ProviderError.upstream(failure).apiError.status == 502)
        }
    }

    /// The fake routes on the whole `{model}:{method}` path component.
    @Test func fakeRoutesOnModelAndMethod() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let recorder = RecordedRequests()
        do {
            try await LiveServer.with(FakeGemini.router(recorder: recorder)) { port in
                func post(_ target: String) async throws -> (Int, String) {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1beta/models/\(target)")
                    request.method = .POST
                    request.headers.add(name: "x-goog-api-key", value: FakeGemini.apiKey)
                    request.body = .bytes(ByteBuffer(string: #"{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}"#))
                    let response = try await client.execute(request, timeout: .seconds(10))
                    let body = try await response.body.collect(upTo: 1 << 20)
                    return (Int(response.status.code), String(buffer: body))
                }
                let (okStatus, okBody) = try await post("gemini-2.5-flash:generateContent")
                #expect(okStatus == 200)
                #expect(okBody.contains("Echo: hi"))
                #expect(okBody.contains(#""modelVersion":"gemini-2.5-flash""#))
                let (arrayStatus, arrayBody) = try await post("gemini-2.5-flash:streamGenerateContent")
                #expect(arrayStatus == 200)
                #expect(arrayBody.hasPrefix("["))
                let (missingStatus, missingBody) = try await post("gemini-2.5-flash:countTokens")
                #expect(missingStatus == 404)
                #expect(missingBody.contains(#""status":"NOT_FOUND""#))
                #expect(recorder.all.count == 3)
            }
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Runs `body`, which must fail with an upstream error status, and returns that failure.
    static func upstreamFailure(_ body: () async throws -> Void) async throws -> UpstreamFailure {
        do {
            try await body()
        } catch ProviderError.upstream(let failure) {
            return failure
        }
        Issue.record("expected an upstream failure")
        return UpstreamFailure(upstream: "", status: 0, message: "")
    }
}
