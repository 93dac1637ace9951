import Foundation
import SluiceAPI
import SluiceEngine

/// The built-in engine serving one GGUF model: the model's own chat template renders the messages,
/// its tokenizer encodes them, and tokens stream back as canonical chunks while they are generated.
///
/// Requests to one model run one after another on the engine's own compute threads (continuous
/// batching is a later step), so nothing here blocks Swift's cooperative pool or the server's event
/// loops. Tools, JSON output, `n > 1`, and `logit_bias` are refused with a 400 until constrained
/// decoding lands, rather than silently ignored.
public final class LocalProvider: ChatProvider, Sendable {
    public let endpoint: ModelEndpoint
    let model: LocalModel
    let tokenizer: Tokenizer
    let template: ChatTemplate
    let contextLength: Int

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
            template = try ChatTemplate(tokenizer: tokenizer)
        } catch {
            throw LocalProviderError.load(model: endpoint.name, path: path, reason: "\(error)")
        }
        self.endpoint = endpoint
        self.contextLength = model.contextLength
    }

    public func check(_ request: ChatRequest) throws(ProviderError) {
        func unsupported(_ param: String, _ what: String) -> ProviderError {
            .badRequest(.unsupportedParameter(param, "\(what) is not supported by the built-in engine yet (model '\(endpoint.name)')."))
        }
        if let tools = request.tools, !tools.isEmpty { throw unsupported("tools", "Tool calling") }
        switch request.responseFormat {
        case .jsonObject?, .jsonSchema?: throw unsupported("response_format", "Constrained JSON output")
        default: break
        }
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
        var text = ""
        var logprobs: [SluiceAPI.TokenLogprob] = []
        var finish: SluiceAPI.FinishReason = .stop
        var usage: Usage?
        for try await piece in LocalGeneration(run: run) {
            switch piece {
            case .text(let delta, let tokenLogprobs):
                text += delta
                logprobs += tokenLogprobs
            case .finished(let reason, let summary):
                finish = reason
                usage = summary
            }
        }
        let message = ChatMessage(role: .assistant, content: .text(text))
        return ChatResponse(
            id: run.id, created: run.created, model: endpoint.name,
            choices: [ChatChoice(index: 0, message: message, finishReason: finish,
                                 logprobs: run.wantsLogprobs ? ChoiceLogprobs(content: logprobs) : nil)],
            usage: usage)
    }

    public func stream(_ request: ChatRequest, context: RequestContext) async throws -> ChatStream {
        let run = try prepare(request, context: context)
        return ChatStream { LocalChunkSource(run: run) }
    }

    /// Renders, tokenizes, and checks the prompt, and maps request parameters to sampling parameters.
    func prepare(_ request: ChatRequest, context: RequestContext) throws -> LocalRun {
        let prompt: String
        do {
            prompt = try template.render(
                messages: try LocalPrompt.messages(request.messages), addGenerationPrompt: true,
                extra: LocalPrompt.extra(request))
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
        return LocalRun(
            model: model, tokenizer: tokenizer, prompt: ids, params: params, stops: request.stop?.values ?? [],
            wantsLogprobs: request.logprobs == true, id: "chatcmpl-" + context.requestID.dropFirst(4),
            created: Int(Date().timeIntervalSince1970), modelName: endpoint.name)
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
