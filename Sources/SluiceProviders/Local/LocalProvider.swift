import Foundation
import SluiceAPI
import SluiceEngine

/// The built-in engine serving one GGUF model: the model's own chat template renders the messages,
/// its tokenizer encodes them, and tokens stream back as canonical chunks while they are generated.
///
/// Concurrent requests to one model are batched by the engine's scheduler (``SchedulerSettings``, from
/// the model's `local:` options) on its own compute threads, reusing cached prompt prefixes, so nothing
/// here blocks Swift's cooperative pool or the server's event loops. `n > 1` and `logit_bias` are refused with a 400 rather than silently ignored; JSON output
/// (`response_format`) is constrained decoding (``LocalResponseFormat``).
///
/// Tools: see ``LocalToolChoice`` (what `tool_choice` does), ``LocalToolPrompt`` (how tools, calls and
/// results reach the template) and ``LocalOutputParser`` (how `<tool_call>` blocks become `tool_calls`).
/// Thinking: see ``LocalThinking`` (the switch and the budget) and ``ThinkingBudgetSteering``; the thought
/// becomes `reasoning_content`, and its tokens `completion_tokens_details.reasoning_tokens` (counted as
/// ``ThoughtTracker`` says). `local.chat_template` replaces the GGUF's chat template.
public final class LocalProvider: ChatProvider, Sendable {
    public let endpoint: ModelEndpoint
    let model: LocalModel
    let tokenizer: Tokenizer
    let template: ChatTemplate
    let contextLength: Int
    /// The token trie for constrained decoding (forced tool calls), built on first use.
    let vocabulary: LocalVocabulary

    /// Loads the model named by `endpoint.modelPath`.
    ///
    /// - Parameter threads: compute threads (default: one per core).
    public init(endpoint: ModelEndpoint, threads: Int? = nil) throws {
        guard let path = endpoint.modelPath else {
            throw LocalProviderError.missingPath(endpoint.name)
        }
        do {
            let local = endpoint.local
            model = try LocalModel(
                path: path, threads: threads, contextLength: local.contextLength,
                settings: SchedulerSettings(
                    parallel: local.parallel, maxWaiting: local.maxWaiting, queueTimeout: local.queueTimeout,
                    prefillChunk: local.prefillChunk, prefixCache: local.prefixCache),
                cacheBytes: local.cacheMiB.map { $0 << 20 })
            tokenizer = try Tokenizer(gguf: model.file)
            template = try LocalPrompt.template(tokenizer: tokenizer, override: local.chatTemplate)
        } catch {
            throw LocalProviderError.load(model: endpoint.name, path: path, reason: "\(error)")
        }
        self.endpoint = endpoint
        self.contextLength = model.contextLength
        self.vocabulary = LocalVocabulary(tokenizer: tokenizer, endTokens: model.endTokens)
    }

    public func check(_ request: ChatRequest) throws(ProviderError) {
        func unsupported(_ param: String, _ what: String) -> ProviderError {
            .badRequest(.unsupportedParameter(param, "\(what) is not supported by the built-in engine yet (model '\(endpoint.name)')."))
        }
        _ = try LocalToolChoice(request)
        _ = try LocalThinking.plan(request)
        _ = try LocalResponseFormat.grammar(request.responseFormat)  // an unsupported schema is a 400 now
        if let n = request.n, n > 1 { throw unsupported("n", "More than one choice") }
        if let bias = request.logitBias, !bias.isEmpty { throw unsupported("logit_bias", "logit_bias") }
        for (index, message) in request.messages.enumerated() {
            guard case .parts(let parts)? = message.content else { continue }
            for part in parts {
                if case .text = part { continue }
                throw unsupported("messages[\(index)].content", "Non-text content")
            }
        }
    }

    public func complete(_ request: ChatRequest, context: RequestContext) async throws -> ChatResponse {
        let run = try prepare(request, context: context)
        var parser = run.output.parser()
        var answer = LocalAnswer()
        var logprobs: [SluiceAPI.TokenLogprob] = []
        var finish: SluiceAPI.FinishReason = .stop
        var usage: Usage?
        for try await piece in LocalGeneration(run: run) {
            switch piece {
            case .text(let delta, let tokenLogprobs):
                answer.add(parser.feed(delta))
                logprobs += tokenLogprobs
            case .finished(let reason, let summary):
                answer.add(parser.finish())
                finish = LocalAnswer.finishReason(reason, madeCalls: parser.toolCallCount > 0)
                usage = summary
            }
        }
        return ChatResponse(
            id: run.id, created: run.created, model: endpoint.name,
            choices: [ChatChoice(index: 0, message: answer.message, finishReason: finish,
                                 logprobs: run.wantsLogprobs ? ChoiceLogprobs(content: logprobs) : nil)],
            usage: usage)
    }

    public func stream(_ request: ChatRequest, context: RequestContext) async throws -> ChatStream {
        let run = try prepare(request, context: context)
        return ChatStream { LocalChunkSource(run: run) }
    }

    /// Renders, tokenizes, and checks the prompt, and maps request parameters to sampling parameters.
    func prepare(_ request: ChatRequest, context: RequestContext) throws -> LocalRun {
        let tools = try LocalToolChoice(request)
        let thinking = try LocalThinking.plan(request)
        let prompt: String
        let startsInThought: Bool
        do {
            (prompt, startsInThought) = try LocalPrompt.render(request, template: template, tools: tools, thinking: thinking)
        } catch let error as ChatTemplateError {
            throw ProviderError.badRequest(.invalidRequest("The model's chat template rejected these messages: \(error)", param: "messages"))
        }
        let ids = tokenizer.encode(prompt, addSpecial: true, parseSpecial: true)
        guard ids.count < contextLength else {
            throw ProviderError.badRequest(
                .invalidRequest(
                    "This model's maximum context length is \(contextLength) tokens, but the prompt has \(ids.count) tokens.",
                    param: "messages", code: "context_length_exceeded"))
        }
        var params = SamplingParams.greedy
        params.temperature = Float(request.temperature ?? 1.0)
        params.topP = Float(request.topP ?? 1.0)
        params.topK = request.extra["top_k"]?.intValue ?? 0
        params.minP = Float(request.extra["min_p"]?.doubleValue ?? 0)
        params.presencePenalty = Float(request.presencePenalty ?? 0)
        params.frequencyPenalty = Float(request.frequencyPenalty ?? 0)
        params.repetitionPenalty = Float(request.extra["repetition_penalty"]?.doubleValue ?? 1.0)
        params.seed = request.seed.map { UInt64(bitPattern: $0) }
        params.maxTokens = min(request.outputTokenLimit ?? Int.max, contextLength - ids.count)
        params.topLogprobs = request.logprobs == true ? max(request.topLogprobs ?? 0, 0) : 0
        let (steering, output) = try steering(
            tools: tools, thinking: thinking, startsInThought: startsInThought, maxTokens: params.maxTokens,
            format: request.responseFormat)
        return LocalRun(
            model: model, tokenizer: tokenizer, prompt: ids, params: params, stops: request.stop?.values ?? [],
            wantsLogprobs: request.logprobs == true, id: "chatcmpl-" + context.requestID.dropFirst(4),
            created: Int(Date().timeIntervalSince1970), modelName: endpoint.name, steering: steering, output: output)
    }

    /// The steering of a run and how its output is read.
    ///
    /// The answer is constrained to one tool call for `tool_choice: required` or a named function. A
    /// thought the prompt opened comes first: it is closed after the thinking budget (half of `max_tokens`
    /// when a forced call follows and no budget was given, so the call has room), then the call is forced.
    /// Without a forced call, a budget steers the thought whether the prompt opened it or the model does.
    func steering(
        tools: LocalToolChoice, thinking: LocalThinking, startsInThought: Bool, maxTokens: Int, format: ResponseFormat? = nil
    ) throws(ProviderError) -> ((any TokenSteering)?, LocalOutputPlan) {
        var budget = thinking.budget
        var answer: (any TokenSteering)?
        // JSON output (`response_format`, see ``LocalResponseFormat``) is constrained like a forced call.
        let json = tools.forced == nil ? try LocalResponseFormat.grammar(format) : nil
        if tools.forced != nil || json != nil {
            var callTokens = maxTokens
            if startsInThought {
                let closing = tokenizer.encode("\n</think>\n\n", addSpecial: false, parseSpecial: true).count
                let thought = min(budget ?? maxTokens / 2, max(0, maxTokens - closing))
                budget = thought
                callTokens = maxTokens - thought - closing
            } else {
                budget = nil  // the call comes first: no thought to budget
            }
            answer = json == nil
                ? try tools.steering(vocabulary: vocabulary.vocabulary, maxTokens: max(0, callTokens))
                : try LocalResponseFormat.steering(format, vocabulary: vocabulary.vocabulary, maxTokens: max(0, callTokens))
        }
        var steering: (any TokenSteering)? = answer
        if budget != nil || (answer != nil && startsInThought) {
            steering = ThinkingBudgetSteering(
                tokenizer: tokenizer, endTokens: model.endTokens, budget: budget, startsInThought: startsInThought, inner: answer)
        }
        let output = LocalOutputPlan(
            startsInThought: startsInThought, thinkingBudget: budget,
            reportsReasoning: startsInThought || LocalThinking.templateThinks(template.source),
            parsesToolCalls: tools.parsesCalls, maxToolCalls: tools.maxCalls)
        return (steering, output)
    }
}

/// Why a local model could not be served.
public enum LocalProviderError: Error, CustomStringConvertible {
    case missingPath(String)
    case load(model: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .missingPath(let model): return "model '\(model)' uses the local backend but has no path to a .gguf file"
        case .load(let model, let path, let reason): return "model '\(model)' could not be loaded from \(path): \(reason)"
        }
    }
}
