import Foundation
import SluiceAPI
import SluiceEngine
import Testing

@testable import SluiceProviders

/// Thinking on the built-in engine, with SmolLM2 behind a chat template whose generation prompt opens
/// the thought (`<think>\n`, as DeepSeek-R1-Distill's does): everything up to `</think>` is reasoning.
@Suite("Local thinking", .serialized)
struct LocalThinkingTests {
    static func request(_ configure: (inout ChatRequest) -> Void = { _ in }) -> ChatRequest {
        var request = ChatRequest(model: "local", messages: [.text(.user, "What is 12 times 7?")])
        request.temperature = 0
        request.maxTokens = 30
        configure(&request)
        return request
    }

    @Test("the plan: enable_thinking, reasoning_effort, thinking_budget and the Anthropic budget")
    func plan() throws {
        #expect(try LocalThinking.plan(Self.request()) == LocalThinking(enabled: nil, budget: nil))
        #expect(try LocalThinking.plan(Self.request { $0.reasoningEffort = "none" }) == LocalThinking(enabled: false, budget: nil))
        #expect(try LocalThinking.plan(Self.request { $0.reasoningEffort = "low" }) == LocalThinking(enabled: true, budget: 1024))
        #expect(try LocalThinking.plan(Self.request { $0.reasoningEffort = "high" }) == LocalThinking(enabled: true, budget: nil))
        #expect(
            try LocalThinking.plan(Self.request {
                $0.reasoningEffort = "low"
                $0.extra["thinking_budget"] = 12
            }) == LocalThinking(enabled: true, budget: 12))
        #expect(
            try LocalThinking.plan(Self.request {
                $0.reasoningEffort = "medium"
                $0.sluice = .object([AnthropicBridge.thinkingBudgetKey: 2000])
            }) == LocalThinking(enabled: true, budget: 2000))
        #expect(
            try LocalThinking.plan(Self.request {
                $0.extra["enable_thinking"] = false
                $0.extra["thinking_budget"] = 5
            }) == LocalThinking(enabled: false, budget: nil))
        for (key, value) in [("thinking_budget", JSONValue.string("many")), ("thinking_budget", -1), ("enable_thinking", "no")] {
            do {
                _ = try LocalThinking.plan(Self.request { $0.extra[key] = value })
                Issue.record("\(key): \(value) was accepted")
            } catch {
                guard case .badRequest(let apiError) = error else { throw error }
                #expect(apiError.param == key)
            }
        }
    }

    @Test("templates that open <think> are closed when thinking is off; others get Qwen3's empty thought")
    func switchOff() throws {
        var prompt = "<|im_start|>assistant\n<think>\n"
        #expect(LocalThinking(enabled: true).adjust(prompt: &prompt, templateSource: ""))
        #expect(!LocalThinking(enabled: false).adjust(prompt: &prompt, templateSource: ""))
        #expect(prompt == "<|im_start|>assistant\n<think>\n\n</think>\n\n")
        var knows = "<|im_start|>assistant\n"
        _ = LocalThinking(enabled: false).adjust(prompt: &knows, templateSource: "{{ '</think>' }}")
        #expect(knows == "<|im_start|>assistant\n<think>\n\n</think>\n\n")
        var plain = "<|im_start|>assistant\n"
        _ = LocalThinking(enabled: false).adjust(prompt: &plain, templateSource: "no thoughts here")
        #expect(plain == "<|im_start|>assistant\n")
    }

    @Test("a budget closes the thought after exactly that many reasoning tokens, streamed and not")
    func budget() async throws {
        let provider = try LocalTestModel.thinking.get()
        // Greedy SmolLM2 ends its thought (with an end token) after 7 tokens: a budget of 4 cuts it.
        let request = Self.request { $0.extra["thinking_budget"] = 4 }
        let response = try await provider.complete(request, context: LocalTestModel.context)
        let message = try #require(response.choices.first?.message)
        let reasoning = try #require(message.reasoningContent)
        #expect(!reasoning.isEmpty)
        #expect(!reasoning.contains("</think>"))
        let content = message.content?.text ?? ""
        #expect(!content.isEmpty && !content.contains("</think>"))
        let usage = try #require(response.usage)
        #expect(usage.completionTokensDetails?.reasoningTokens == 4)
        #expect(usage.completionTokens > 4 + 3, "the forced closing tokens and the answer follow")

        var streamedReasoning = ""
        var streamedContent = ""
        var usageChunk: Usage?
        var sawReasoningFirst = false
        for try await chunk in try await provider.stream(request, context: LocalTestModel.context) {
            if let delta = chunk.choices.first?.delta {
                if let text = delta.reasoningContent {
                    if streamedContent.isEmpty { sawReasoningFirst = true }
                    streamedReasoning += text
                }
                streamedContent += delta.content ?? ""
            }
            usageChunk = chunk.usage ?? usageChunk
        }
        #expect(sawReasoningFirst)
        #expect(streamedReasoning == reasoning)
        #expect(streamedContent == content)
        #expect(usageChunk?.completionTokensDetails?.reasoningTokens == 4)
        #expect(usageChunk?.promptTokens == usage.promptTokens)
        #expect(usageChunk?.completionTokens == usage.completionTokens)
        // The same prompt again: all of it but its last token comes from the context cache.
        #expect(usageChunk?.cachedTokens == usage.promptTokens - 1)
    }

    @Test("Anthropic's thinking budget and reasoning_effort budgets are honoured")
    func otherBudgets() async throws {
        let provider = try LocalTestModel.thinking.get()
        let anthropic = Self.request { $0.sluice = .object([AnthropicBridge.thinkingBudgetKey: 5]) }
        let response = try await provider.complete(anthropic, context: LocalTestModel.context)
        #expect(response.usage?.completionTokensDetails?.reasoningTokens == 5)
        // Without a budget the thought runs until the model stops (SmolLM2 never writes </think>): every
        // completion token is reasoning, and there is no content.
        let unbounded = try await provider.complete(Self.request { $0.reasoningEffort = "high" }, context: LocalTestModel.context)
        let usage = try #require(unbounded.usage)
        #expect(usage.completionTokensDetails?.reasoningTokens == usage.completionTokens)
        #expect(usage.completionTokens > 5)
        let content = unbounded.choices.first?.message.content?.text ?? ""
        #expect(content.isEmpty)
        let reasoning = unbounded.choices.first?.message.reasoningContent ?? ""
        #expect(reasoning == "The answer is 7.")
    }

    @Test("thinking off: the thought is closed in the prompt, no reasoning, reasoning_tokens 0")
    func off() async throws {
        let provider = try LocalTestModel.thinking.get()
        for configure: (inout ChatRequest) -> Void in [{ $0.reasoningEffort = "none" }, { $0.extra["enable_thinking"] = false }] {
            let request = Self.request(configure)
            let response = try await provider.complete(request, context: LocalTestModel.context)
            let message = try #require(response.choices.first?.message)
            #expect(message.reasoningContent == nil)
            let text = message.content?.text ?? ""
            #expect(!text.isEmpty)
            #expect(response.usage?.completionTokensDetails?.reasoningTokens == 0)
            var reasoning = ""
            var content = ""
            for try await chunk in try await provider.stream(request, context: LocalTestModel.context) {
                reasoning += chunk.choices.first?.delta.reasoningContent ?? ""
                content += chunk.choices.first?.delta.content ?? ""
            }
            #expect(reasoning.isEmpty)
            #expect(content == message.content?.text)
        }
    }

    @Test("thinking then a forced tool call: the thought is budgeted, then the call is well-formed")
    func thinkingThenToolCall() async throws {
        let provider = try LocalTestModel.thinking.get()
        var request = Self.request {
            $0.tools = [LocalToolCallTests.weather]
            $0.toolChoice = .required
            $0.extra["thinking_budget"] = 6
            $0.maxTokens = 80
        }
        request.messages = [.text(.user, "What is the weather in Rome?")]
        let response = try await provider.complete(request, context: LocalTestModel.context)
        let choice = try #require(response.choices.first)
        #expect(choice.finishReason == .toolCalls)
        let reasoning = choice.message.reasoningContent ?? ""
        #expect(!reasoning.isEmpty)
        #expect(response.usage?.completionTokensDetails?.reasoningTokens == 6)
        let call = try #require(choice.message.toolCalls?.first)
        #expect(call.function.name == "get_weather")
        let arguments = try JSONDecoder().decode(JSONValue.self, from: Data(call.function.arguments.utf8))
        #expect(arguments.objectValue?["city"]?.stringValue != nil)
    }
}
