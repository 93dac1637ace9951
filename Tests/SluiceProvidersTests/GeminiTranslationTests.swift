import Foundation
import SluiceAPI
import Testing

@testable import SluiceProviders

/// Pure translation between canonical requests and Gemini's documented wire format, no I/O.
@Suite struct GeminiTranslationTests {
    // MARK: - Requests

    @Test func translatesRolesAndMergesTurns() throws {
        let request = ChatRequest(
            model: "m",
            messages: [
                .text(.system, "You are terse."), .text(.developer, "Answer in French."),
                .text(.user, "Hello"), .text(.user, "Are you there?"),
                ChatMessage(role: .assistant, content: .text("Oui."), reasoningContent: "thinking hidden"),
                .text(.user, "Merci"),
            ])
        let gemini = try GeminiRequestTranslator.translate(request)
        #expect(gemini.systemInstruction?.role == nil)
        #expect(gemini.systemInstruction?.parts.map(\.text) == ["You are terse.", "Answer in French."])
        #expect(gemini.contents.map(\.role) == ["user", "model", "user"])
        #expect(gemini.contents[0].parts.map(\.text) == ["Hello", "Are you there?"])
        #expect(gemini.contents[1].parts == [GeminiPart(text: "Oui.")])
        #expect(gemini.tools == nil && gemini.toolConfig == nil && gemini.generationConfig == nil)
    }

    @Test func translatesImagesAndAudio() throws {
        let request = ChatRequest(
            model: "m",
            messages: [
                ChatMessage(
                    role: .user,
                    content: .parts([
                        .text("What is in these?"),
                        .imageURL(.init(url: "data:image/png;base64,iVBORw0KGgo=")),
                        .imageURL(.init(url: "https://example.com/cat.webp?size=2")),
                        .inputAudio(data: "UklGRg==", format: "wav"),
                        .other(["type": "file", "file": ["file_data": "data:application/pdf;base64,JVBERi0=", "filename": "a.pdf"]]),
                    ]))
            ])
        let parts = try GeminiRequestTranslator.translate(request).contents[0].parts
        #expect(parts.count == 5)
        #expect(parts[1].inlineData == GeminiBlob(mimeType: "image/png", data: "iVBORw0KGgo="))
        #expect(parts[2].fileData == GeminiFileData(mimeType: "image/webp", fileUri: "https://example.com/cat.webp?size=2"))
        #expect(parts[3].inlineData == GeminiBlob(mimeType: "audio/wav", data: "UklGRg=="))
        #expect(parts[4].inlineData == GeminiBlob(mimeType: "application/pdf", data: "JVBERi0="))
    }

    @Test func mapsToolChoices() {
        #expect(GeminiRequestTranslator.toolConfig(.auto).functionCallingConfig == .init(mode: "AUTO"))
        #expect(GeminiRequestTranslator.toolConfig(.none).functionCallingConfig == .init(mode: "NONE"))
        #expect(GeminiRequestTranslator.toolConfig(.required).functionCallingConfig == .init(mode: "ANY"))
        #expect(
            GeminiRequestTranslator.toolConfig(.function(name: "get_weather")).functionCallingConfig
                == .init(mode: "ANY", allowedFunctionNames: ["get_weather"]))
    }

    @Test func mapsGenerationParameters() throws {
        var request = ChatRequest(model: "m", messages: [.text(.user, "hi")], extra: ["top_k": 40])
        request.temperature = 0.5
        request.topP = 0.9
        request.maxCompletionTokens = 256
        request.maxTokens = 100
        request.stop = StopSequences(["END", "STOP"])
        request.seed = 42
        request.n = 2
        request.presencePenalty = 0.5
        request.frequencyPenalty = -0.5
        request.logprobs = true
        request.topLogprobs = 3
        let config = try #require(try GeminiRequestTranslator.translate(request).generationConfig)
        #expect(config.temperature == 0.5 && config.topP == 0.9 && config.topK == 40)
        #expect(config.maxOutputTokens == 256)
        #expect(config.stopSequences == ["END", "STOP"])
        #expect(config.seed == 42 && config.candidateCount == 2)
        #expect(config.presencePenalty == 0.5 && config.frequencyPenalty == -0.5)
        #expect(config.responseLogprobs == true && config.logprobs == 3)
    }

    @Test func mapsReasoningEffortToThinkingBudget() throws {
        let expected: [String: Int] = ["none": 0, "minimal": 512, "low": 1024, "medium": 8192, "high": 24576, "xhigh": 24576]
        for (effort, budget) in expected {
            var request = ChatRequest(model: "m", messages: [.text(.user, "hi")])
            request.reasoningEffort = effort
            let thinking = try GeminiRequestTranslator.translate(request).generationConfig?.thinkingConfig
            #expect(thinking?.thinkingBudget == budget, "\(effort)")
            #expect(thinking?.includeThoughts == (budget > 0 ? true : nil), "\(effort)")
        }
    }

    @Test func wrapsToolResultsThatAreNotObjects() {
        #expect(GeminiRequestTranslator.toolResult(#"{"ok":true}"#) == ["ok": true])
        #expect(GeminiRequestTranslator.toolResult("[1,2]") == ["result": [1, 2]])
        #expect(GeminiRequestTranslator.toolResult("42") == ["result": 42])
        #expect(GeminiRequestTranslator.toolResult("sunny, 21°C") == ["result": "sunny, 21°C"])
    }

    @Test func rejectsToolResultsForUnknownCalls() {
        let request = ChatRequest(
            model: "m", messages: [.text(.user, "hi"), ChatMessage(role: .tool, content: .text("x"), toolCallID: "call_missing")])
        #expect(throws: ProviderError.self) { try GeminiRequestTranslator.translate(request) }
    }

    @Test func rejectsArgumentsThatAreNotObjects() {
        let request = ChatRequest(
            model: "m",
            messages: [
                .text(.user, "hi"),
                ChatMessage(role: .assistant, toolCalls: [ToolCall(id: "c", function: FunctionCall(name: "f", arguments: "[1]"))]),
            ])
        #expect(throws: ProviderError.self) { try GeminiRequestTranslator.translate(request) }
    }

    @Test func mergesEndpointExtraBodyUnderTheRequest() {
        let base: JSONValue = ["contents": [], "generationConfig": ["temperature": 0.2]]
        let extra: JSONValue = [
            "generationConfig": ["temperature": 1.0, "thinkingConfig": ["thinkingLevel": "low"]],
            "safetySettings": [["category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"]],
        ]
        let merged = GeminiProvider.merge(extra, under: base)
        #expect(merged["generationConfig"]?["temperature"] == 0.2)
        #expect(merged["generationConfig"]?["thinkingConfig"]?["thinkingLevel"] == "low")
        #expect(merged["safetySettings"]?.arrayValue?.count == 1)
    }

    // MARK: - Responses

    /// The response shape of the generateContent reference, with a thought summary and usage.
    @Test func translatesDocumentedResponse() throws {
        let json = """
            {"candidates":[{"content":{"parts":[{"text":"The user asks for a greeting.","thought":true},
            {"text":"Hello! How can I help?"}],"role":"model"},"finishReason":"STOP","index":0,
            "safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT","probability":"NEGLIGIBLE"}]}],
            "usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":7,"totalTokenCount":40,
            "cachedContentTokenCount":4,"thoughtsTokenCount":25,
            "promptTokensDetails":[{"modality":"TEXT","tokenCount":8}]},
            "modelVersion":"gemini-2.5-flash","responseId":"abc123"}
            """
        let response = try GeminiResponseTranslator.response(decode(json), model: "fallback", upstream: "g")
        #expect(response.id == "chatcmpl-abc123")
        #expect(response.model == "gemini-2.5-flash")
        let message = response.choices[0].message
        #expect(message.content?.text == "Hello! How can I help?")
        #expect(message.reasoningContent == "The user asks for a greeting.")
        #expect(response.choices[0].finishReason == .stop)
        let usage = try #require(response.usage)
        #expect(usage.promptTokens == 8 && usage.cachedTokens == 4)
        #expect(usage.completionTokens == 32 && usage.reasoningTokens == 25 && usage.totalTokens == 40)
    }

    @Test func translatesDocumentedFunctionCall() throws {
        let json = """
            {"candidates":[{"content":{"parts":[{"functionCall":{"name":"schedule_meeting",
            "args":{"attendees":["Bob","Alice"],"date":"2025-03-27","time":"10:00","topic":"Q3 planning"}},
            "thoughtSignature":"CiQB0e2Kb8ZgZ"}],"role":"model"},"finishReason":"STOP","index":0}],
            "usageMetadata":{"promptTokenCount":112,"candidatesTokenCount":33,"totalTokenCount":145}}
            """
        let choice = try GeminiResponseTranslator.response(decode(json), model: "gemini-2.5-pro", upstream: "g").choices[0]
        #expect(choice.finishReason == .toolCalls)
        #expect(choice.message.content == nil)
        let call = try #require(choice.message.toolCalls?.first)
        #expect(call.id.hasPrefix("call_") && call.id.count == 29)
        #expect(call.function.name == "schedule_meeting")
        #expect(
            call.function.arguments
                == #"{"attendees":["Bob","Alice"],"date":"2025-03-27","time":"10:00","topic":"Q3 planning"}"#)
    }

    @Test func mapsFinishReasons() {
        #expect(GeminiResponseTranslator.finishReason("STOP", calledTools: false) == .stop)
        #expect(GeminiResponseTranslator.finishReason("MAX_TOKENS", calledTools: false) == .length)
        for reason in ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"] {
            #expect(GeminiResponseTranslator.finishReason(reason, calledTools: false) == .contentFilter)
        }
        #expect(GeminiResponseTranslator.finishReason("OTHER", calledTools: false) == .stop)
    }

    @Test func blockedPromptIsAContentFilterError() throws {
        let json = #"{"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH"}]},"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9}}"#
        let response = try decode(json)
        do {
            _ = try GeminiResponseTranslator.response(response, model: "m", upstream: "g")
            Issue.record("expected a blocked prompt to throw")
        } catch {
            #expect(error.apiError.status == 400)
            #expect(error.apiError.code == "content_filter")
            #expect(error.apiError.message.contains("SAFETY"))
        }
        var translator = GeminiStreamTranslator(upstream: "g", fallbackModel: "m")
        #expect(throws: ProviderError.self) { try translator.chunks(for: response) }
    }

    @Test func mapsLogprobs() throws {
        let json = """
            {"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"finishReason":"STOP",
            "logprobsResult":{"topCandidates":[{"candidates":[{"token":"Hi","logProbability":-0.1},{"token":"Hello","logProbability":-2.5}]}],
            "chosenCandidates":[{"token":"Hi","logProbability":-0.1}]}}]}
            """
        let logprobs = try #require(try GeminiResponseTranslator.response(decode(json), model: "m", upstream: "g").choices[0].logprobs)
        #expect(logprobs.content?.count == 1)
        #expect(logprobs.content?[0].token == "Hi" && logprobs.content?[0].logprob == -0.1)
        #expect(logprobs.content?[0].topLogprobs.map(\.token) == ["Hi", "Hello"])
    }

    // MARK: - Errors

    @Test func parsesGoogleErrorShapeWithRetryInfo() {
        let body = """
            {"error":{"code":429,"message":"You exceeded your current quota.","status":"RESOURCE_EXHAUSTED",
            "details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[]},
            {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"12.5s"}]}}
            """
        let failure = GeminiErrors.parse(upstream: "g", status: 429, body: Array(body.utf8))
        #expect(failure.status == 429)
        #expect(failure.message == "You exceeded your current quota.")
        #expect(failure.type == "rate_limit_error")
        #expect(failure.code == "RESOURCE_EXHAUSTED")
        #expect(failure.retryAfter == "13")
        let invalid = GeminiErrors.parse(
            upstream: "g", status: 400,
            body: Array(#"[{"error":{"code":400,"message":"Bad","status":"INVALID_ARGUMENT"}}]"#.utf8))
        #expect(invalid.type == "invalid_request_error" && invalid.message == "Bad")
        #expect(GeminiErrors.parse(upstream: "g", status: 502, body: Array("<html>".utf8)).message == "<html>")
    }

    // MARK: - Streams

    /// Two events as the API sends them for `alt=sse` (CRLF framing), the second with the finish reason.
    @Test func translatesARealStream() throws {
        let wire =
            #"data: {"candidates": [{"content": {"parts": [{"text": "Here you go!\n\n1.  **English:** Hi\n"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 5,"candidatesTokenCount": 39,"totalTokenCount": 230,"thoughtsTokenCount": 186},"modelVersion": "models/gemini-2.5-flash-preview-05-20","responseId": "AdVRaMmDCYekqtsPrb_-iAw"}"#
            + "\r\n\r\n"
            + #"data: {"candidates": [{"content": {"parts": [{"text": "**Italian:** Ciao"}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 5,"candidatesTokenCount": 44,"totalTokenCount": 235,"thoughtsTokenCount": 186},"modelVersion": "models/gemini-2.5-flash-preview-05-20","responseId": "AdVRaMmDCYekqtsPrb_-iAw"}"#
            + "\r\n\r\n"
        var decoder = SSEDecoder()
        let events = decoder.feed(Array(wire.utf8))
        #expect(events.count == 2)
        var translator = GeminiStreamTranslator(upstream: "g", fallbackModel: "m")
        var chunks: [ChatChunk] = []
        for event in events { chunks += try translator.chunks(for: decode(event.data)) }
        chunks += try translator.finish()
        #expect(chunks.count == 4)
        #expect(chunks[0].choices[0].delta.role == .assistant)
        #expect(chunks[1].choices[0].delta.role == nil)
        let text = chunks.compactMap { $0.choices.first?.delta.content }.joined()
        #expect(text.hasSuffix("**Italian:** Ciao"))
        #expect(chunks[2].choices[0].finishReason == .stop)
        #expect(chunks.allSatisfy { $0.id == "chatcmpl-AdVRaMmDCYekqtsPrb_-iAw" && $0.model == "gemini-2.5-flash-preview-05-20" })
        let usage = try #require(chunks[3].usage)
        #expect(chunks[3].choices.isEmpty)
        #expect(usage.promptTokens == 5 && usage.completionTokens == 230 && usage.reasoningTokens == 186)
    }

    @Test func streamWithoutFinishReasonIsInvalid() throws {
        var translator = GeminiStreamTranslator(upstream: "g", fallbackModel: "m")
        _ = try translator.chunks(for: decode(#"{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"}}]}"#))
        #expect(throws: ProviderError.invalidResponse(upstream: "g", message: "the stream ended before any finish reason")) {
            try translator.finish()
        }
    }

    @Test func inBandStreamErrorKeepsItsCode() throws {
        var translator = GeminiStreamTranslator(upstream: "g", fallbackModel: "m")
        let event = try decode(#"{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"#)
        do {
            _ = try translator.chunks(for: event)
            Issue.record("expected the error event to throw")
        } catch {
            #expect(error.apiError.status == 503)
            #expect(error.isRetryable)
        }
    }

    private func decode(_ json: String) throws -> GeminiResponse {
        try JSONDecoder().decode(GeminiResponse.self, from: Data(json.utf8))
    }
}
