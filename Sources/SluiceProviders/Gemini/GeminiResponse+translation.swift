import Foundation
import SluiceAPI

/// Gemini `GenerateContentResponse` → canonical response, and the pieces the stream translation shares.
///
/// - Text parts become `content`; parts marked `thought: true` become `reasoning_content`.
/// - Each `functionCall` becomes a tool call with a fresh id (`call_` + 24 hex digits) and its `args`
///   encoded as the `arguments` string; a candidate that called a function finishes with `tool_calls`.
/// - `finishReason`: `STOP` → `stop`, `MAX_TOKENS` → `length`, the filters (`SAFETY`, `RECITATION`,
///   `BLOCKLIST`, `PROHIBITED_CONTENT`, `SPII`, `IMAGE_SAFETY`, ...) → `content_filter`,
///   `MALFORMED_FUNCTION_CALL` and anything else → `stop`.
/// - Usage: `prompt_tokens` = `promptTokenCount` (+ `toolUsePromptTokenCount`), `cached_tokens` =
///   `cachedContentTokenCount`, `completion_tokens` = `candidatesTokenCount` + `thoughtsTokenCount`,
///   `reasoning_tokens` = `thoughtsTokenCount`.
/// - A prompt blocked before any candidate (`promptFeedback.blockReason`) is a 400 with code
///   `content_filter` (see ``GeminiResponseTranslator/blockedPrompt(_:upstream:)``).
enum GeminiResponseTranslator {
    /// The canonical response for a complete Gemini response.
    static func response(_ gemini: GeminiResponse, model: String, upstream: String) throws(ProviderError) -> ChatResponse {
        if let error = gemini.error { throw .upstream(GeminiErrors.failure(error, status: nil, upstream: upstream)) }
        let candidates = gemini.candidates ?? []
        if candidates.isEmpty, let feedback = gemini.promptFeedback, feedback.blockReason != nil {
            throw blockedPrompt(feedback, upstream: upstream)
        }
        let choices = candidates.enumerated().map { offset, candidate in
            choice(candidate, index: candidate.index ?? offset)
        }
        return ChatResponse(
            id: responseID(gemini), created: Int(Date().timeIntervalSince1970),
            model: modelName(gemini, fallback: model), choices: choices, usage: gemini.usageMetadata.map(usage))
    }

    static func choice(_ candidate: GeminiCandidate, index: Int) -> ChatChoice {
        let split = split(candidate.content?.parts ?? [])
        let message = ChatMessage(
            role: .assistant,
            content: split.text.isEmpty && !split.calls.isEmpty ? nil : .text(split.text),
            toolCalls: split.calls.isEmpty ? nil : split.calls,
            reasoningContent: split.reasoning.isEmpty ? nil : split.reasoning)
        let finish = candidate.finishReason.map { finishReason($0, calledTools: !split.calls.isEmpty) }
        return ChatChoice(index: index, message: message, finishReason: finish, logprobs: candidate.logprobsResult.map(logprobs))
    }

    /// The text, reasoning, and tool calls of some parts.
    static func split(_ parts: [GeminiPart]) -> (text: String, reasoning: String, calls: [ToolCall]) {
        var text = ""
        var reasoning = ""
        var calls: [ToolCall] = []
        for part in parts {
            if let call = part.functionCall {
                calls.append(ToolCall(id: newToolCallID(), function: FunctionCall(name: call.name, arguments: argumentsJSON(call.args))))
            } else if let piece = part.text {
                if part.thought == true { reasoning += piece } else { text += piece }
            }
        }
        return (text, reasoning, calls)
    }

    /// The canonical finish reason for Gemini's.
    static func finishReason(_ reason: String, calledTools: Bool) -> FinishReason {
        switch reason {
        case "STOP": return calledTools ? .toolCalls : .stop
        case "MAX_TOKENS": return .length
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
            "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "LANGUAGE":
            return .contentFilter
        default: return calledTools ? .toolCalls : .stop
        }
    }

    /// Canonical usage for Gemini's usage metadata.
    static func usage(_ metadata: GeminiUsageMetadata) -> Usage {
        let prompt = (metadata.promptTokenCount ?? 0) + (metadata.toolUsePromptTokenCount ?? 0)
        let thoughts = metadata.thoughtsTokenCount
        return Usage(
            promptTokens: prompt, completionTokens: (metadata.candidatesTokenCount ?? 0) + (thoughts ?? 0),
            cachedTokens: metadata.cachedContentTokenCount, reasoningTokens: thoughts)
    }

    /// Canonical log probabilities: one entry per chosen token, with that step's top candidates.
    static func logprobs(_ result: GeminiLogprobsResult) -> ChoiceLogprobs {
        let chosen = result.chosenCandidates ?? []
        let tops = result.topCandidates ?? []
        let content = chosen.enumerated().map { step, candidate in
            let token = candidate.token ?? ""
            let alternatives = step < tops.count ? tops[step].candidates ?? [] : []
            return TokenLogprob(
                token: token, logprob: candidate.logProbability ?? 0, bytes: token.utf8.map { Int($0) },
                topLogprobs: alternatives.map {
                    TopLogprob(token: $0.token ?? "", logprob: $0.logProbability ?? 0, bytes: ($0.token ?? "").utf8.map { Int($0) })
                })
        }
        return ChoiceLogprobs(content: content)
    }

    /// The failure for a prompt Gemini refused to answer at all.
    static func blockedPrompt(_ feedback: GeminiPromptFeedback, upstream: String) -> ProviderError {
        let reason = feedback.blockReason ?? "BLOCK_REASON_UNSPECIFIED"
        var message = "Gemini blocked the prompt (blockReason \(reason))"
        if let detail = feedback.blockReasonMessage, !detail.isEmpty { message += ": \(detail)" }
        return .upstream(
            UpstreamFailure(
                upstream: upstream, status: 400, message: message, type: "invalid_request_error", code: "content_filter",
                param: "messages"))
    }

    static func responseID(_ gemini: GeminiResponse) -> String {
        "chatcmpl-" + (gemini.responseId ?? String(newToolCallID().dropFirst(5)))
    }

    static func modelName(_ gemini: GeminiResponse, fallback: String) -> String {
        guard let version = gemini.modelVersion, !version.isEmpty else { return fallback }
        return version.hasPrefix("models/") ? String(version.dropFirst(7)) : version
    }

    /// `call_` and 24 random hex digits.
    static func newToolCallID() -> String {
        let hex = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return "call_" + hex.prefix(24)
    }

    /// Function-call arguments as a JSON string (`{}` when absent).
    static func argumentsJSON(_ args: JSONValue?) -> String {
        guard let args else { return "{}" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(args), as: UTF8.self)) ?? "{}"
    }
}

// MARK: - Streaming

/// Turns the `GenerateContentResponse` events of a `streamGenerateContent?alt=sse` stream into
/// canonical chunks, one event at a time.
///
/// Per candidate: the first chunk carries `role: assistant`; each event's text, thoughts, and function
/// calls become one delta (a function call arrives whole, so its tool-call delta carries id, name, and
/// all of the arguments at once, at the next tool-call index); the event with `finishReason` is
/// followed by a separate finish chunk. When the stream ends, a last chunk with empty `choices` carries
/// the usage of the last `usageMetadata` seen. A stream that ends without any finish reason is an
/// invalid response.
struct GeminiStreamTranslator {
    let upstream: String
    let fallbackModel: String
    private var id: String?
    private var model: String?
    private let created = Int(Date().timeIntervalSince1970)
    private var started: Set<Int> = []
    private var toolCallCounts: [Int: Int] = [:]
    private var finished: Set<Int> = []
    private var usage: GeminiUsageMetadata?

    init(upstream: String, fallbackModel: String) {
        self.upstream = upstream
        self.fallbackModel = fallbackModel
    }

    /// The chunks one event stands for.
    mutating func chunks(for event: GeminiResponse) throws(ProviderError) -> [ChatChunk] {
        if let error = event.error { throw .upstream(GeminiErrors.failure(error, status: nil, upstream: upstream)) }
        if id == nil {
            id = GeminiResponseTranslator.responseID(event)
            model = GeminiResponseTranslator.modelName(event, fallback: fallbackModel)
        }
        if let metadata = event.usageMetadata { usage = metadata }
        let candidates = event.candidates ?? []
        if candidates.isEmpty, let feedback = event.promptFeedback, feedback.blockReason != nil {
            throw GeminiResponseTranslator.blockedPrompt(feedback, upstream: upstream)
        }
        var out: [ChatChunk] = []
        for (offset, candidate) in candidates.enumerated() {
            let index = candidate.index ?? offset
            let split = GeminiResponseTranslator.split(candidate.content?.parts ?? [])
            var delta = ChatDelta()
            if !started.contains(index) {
                started.insert(index)
                delta.role = .assistant
            }
            if !split.text.isEmpty { delta.content = split.text }
            if !split.reasoning.isEmpty { delta.reasoningContent = split.reasoning }
            if !split.calls.isEmpty {
                let first = toolCallCounts[index] ?? 0
                delta.toolCalls = split.calls.enumerated().map { number, call in
                    ToolCallDelta(
                        index: first + number, id: call.id, type: "function",
                        function: FunctionCallDelta(name: call.function.name, arguments: call.function.arguments))
                }
                toolCallCounts[index] = first + split.calls.count
            }
            let logprobs = candidate.logprobsResult.map(GeminiResponseTranslator.logprobs)
            if delta != ChatDelta() || logprobs != nil {
                out.append(chunk([ChunkChoice(index: index, delta: delta, logprobs: logprobs)]))
            }
            if let reason = candidate.finishReason, !finished.contains(index) {
                finished.insert(index)
                let finish = GeminiResponseTranslator.finishReason(reason, calledTools: (toolCallCounts[index] ?? 0) > 0)
                out.append(chunk([ChunkChoice(index: index, delta: ChatDelta(), finishReason: finish)]))
            }
        }
        return out
    }

    /// The chunks after the last event: the usage chunk.
    mutating func finish() throws(ProviderError) -> [ChatChunk] {
        guard !finished.isEmpty else {
            throw .invalidResponse(upstream: upstream, message: "the stream ended before any finish reason")
        }
        guard let usage else { return [] }
        return [chunk([], usage: GeminiResponseTranslator.usage(usage))]
    }

    private func chunk(_ choices: [ChunkChoice], usage: Usage? = nil) -> ChatChunk {
        ChatChunk(id: id ?? "chatcmpl-gemini", created: created, model: model ?? fallbackModel, choices: choices, usage: usage)
    }
}
