import Foundation
import SluiceAPI

/// A translated request and what the response translation needs to know about it.
struct AnthropicRequestPlan: Sendable {
    var body: AnthropicMessagesRequest
    /// The name of the forced tool that carries a JSON-mode answer, if JSON mode used one.
    var jsonTool: String?
}

/// How extended thinking is configured for one request.
struct AnthropicThinkingPlan: Sendable, Hashable {
    var thinking: AnthropicThinkingConfig?
    var maxTokens: Int
}

extension AnthropicProvider {
    /// Thinking budgets for each `reasoning_effort`.
    static let thinkingBudgets: [String: Int] = ["minimal": 1024, "low": 1024, "medium": 4096, "high": 16384]

    /// The Messages request for a canonical request.
    func messagesRequest(for request: ChatRequest, stream: Bool) throws(ProviderError) -> AnthropicRequestPlan {
        try check(request)
        let thinkingPlan = try thinkingPlan(for: request)
        var systemTexts: [String] = []
        var messages: [AnthropicMessage] = []
        for (index, message) in request.messages.enumerated() {
            switch message.role {
            case .system, .developer:
                for part in message.content?.asParts ?? [] {
                    if case .text(let text) = part, !text.isEmpty { systemTexts.append(text) }
                }
            case .user:
                let blocks = try userBlocks(message.content, at: index)
                if !blocks.isEmpty { messages.append(AnthropicMessage(role: "user", content: .blocks(blocks))) }
            case .assistant:
                let blocks = try assistantBlocks(message, at: index)
                if !blocks.isEmpty { messages.append(AnthropicMessage(role: "assistant", content: .blocks(blocks))) }
            case .tool, .function:
                let result = AnthropicContentBlock.toolResult(
                    AnthropicToolResult(
                        toolUseID: message.toolCallID ?? "", content: try toolResultContent(message.content, at: index)))
                // Answers to one assistant turn's calls travel together in one user turn.
                if let last = messages.last, last.role == "user", case .blocks(let blocks) = last.content,
                    blocks.allSatisfy({ if case .toolResult = $0 { true } else { false } })
                {
                    messages[messages.count - 1].content = .blocks(blocks + [result])
                } else {
                    messages.append(AnthropicMessage(role: "user", content: .blocks([result])))
                }
            }
        }

        var body = AnthropicMessagesRequest(
            model: endpoint.upstreamModel, messages: messages, maxTokens: thinkingPlan.maxTokens)
        body.thinking = thinkingPlan.thinking
        let thinkingOn: Bool
        if case .enabled? = thinkingPlan.thinking { thinkingOn = true } else { thinkingOn = false }
        if !thinkingOn {
            body.temperature = request.temperature.map { min($0, 1) }
            body.topP = request.topP
            body.topK = request.extra["top_k"]?.intValue
        } else if let topP = request.topP, topP >= 0.95 {
            body.topP = topP
        }
        if let stop = request.stop?.values, !stop.isEmpty { body.stopSequences = stop }
        if let user = request.user { body.metadata = AnthropicMetadata(userID: user) }
        if stream { body.stream = true }
        if let tools = request.tools, !tools.isEmpty {
            body.tools = tools.map {
                AnthropicTool(
                    name: $0.function.name, description: $0.function.description,
                    inputSchema: $0.function.parameters ?? ["type": "object", "properties": [:]])
            }
        }
        body.toolChoice = toolChoice(request)

        var jsonTool: String?
        if let format = request.responseFormat, format != .text {
            jsonTool = applyJSONMode(format, to: &body, systemTexts: &systemTexts, forcedToolAllowed: !thinkingOn)
        }
        if systemTexts.count == 1 {
            body.system = .text(systemTexts[0])
        } else if !systemTexts.isEmpty {
            body.system = .blocks(systemTexts.map { .text($0) })
        }
        for (key, value) in endpoint.extraBody where body.extra[key] == nil {
            body.extra[key] = value
        }
        return AnthropicRequestPlan(body: body, jsonTool: jsonTool)
    }

    /// Thinking on or off and the `max_tokens` that goes with it (see the type's documentation).
    func thinkingPlan(for request: ChatRequest) throws(ProviderError) -> AnthropicThinkingPlan {
        let limit = request.outputTokenLimit
        var budget: Int?
        if let exact = request.sluice?[AnthropicBridge.thinkingBudgetKey]?.intValue {
            budget = exact
        } else if let effort = request.reasoningEffort {
            if effort == "none" {
                return AnthropicThinkingPlan(thinking: .disabled, maxTokens: limit ?? Self.defaultMaxTokens)
            }
            guard let mapped = Self.thinkingBudgets[effort] else {
                throw .badRequest(
                    .invalidRequest(
                        "Invalid value for 'reasoning_effort': '\(effort)'. Supported values are: 'none', 'minimal', 'low', 'medium', and 'high'.",
                        param: "reasoning_effort", code: "invalid_value"))
            }
            budget = mapped
        }
        guard var budget else { return AnthropicThinkingPlan(thinking: nil, maxTokens: limit ?? Self.defaultMaxTokens) }
        budget = max(budget, AnthropicThinkingConfig.minimumBudget)
        guard let limit else {
            return AnthropicThinkingPlan(
                thinking: .enabled(budgetTokens: budget), maxTokens: budget + Self.defaultMaxTokens)
        }
        guard limit > AnthropicThinkingConfig.minimumBudget else {
            throw .badRequest(
                .unsupportedParameter(
                    "max_tokens",
                    "With reasoning on, Anthropic needs an output limit above \(AnthropicThinkingConfig.minimumBudget) tokens (the smallest thinking budget); got \(limit)."
                ))
        }
        if limit <= budget { budget = max(AnthropicThinkingConfig.minimumBudget, limit / 2) }
        return AnthropicThinkingPlan(thinking: .enabled(budgetTokens: budget), maxTokens: limit)
    }

    private func toolChoice(_ request: ChatRequest) -> AnthropicToolChoice? {
        var choice: AnthropicToolChoice?
        switch request.toolChoice {
        case .auto?: choice = AnthropicToolChoice(type: "auto")
        case .required?: choice = AnthropicToolChoice(type: "any")
        case .none?: choice = AnthropicToolChoice(type: "none")
        case .function(let name)?: choice = AnthropicToolChoice(type: "tool", name: name)
        case nil: break
        }
        if request.parallelToolCalls == false, request.tools?.isEmpty == false, choice?.type != "none" {
            choice = choice ?? AnthropicToolChoice(type: "auto")
            choice?.disableParallelToolUse = true
        }
        return choice
    }

    /// Serves `response_format` as a forced tool when possible, else as a system instruction. Returns the
    /// forced tool's name.
    private func applyJSONMode(
        _ format: ResponseFormat, to body: inout AnthropicMessagesRequest, systemTexts: inout [String],
        forcedToolAllowed: Bool
    ) -> String? {
        var schema: JSONValue?
        var name = "json_response"
        var description = "Give the answer as this tool's input: one JSON document."
        if case .jsonSchema(let json) = format {
            schema = json.schema
            let cleaned = String(json.name.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" }.prefix(64))
            if !cleaned.isEmpty { name = cleaned }
            if let text = json.description { description = text }
        }
        let objectRoot = schema == nil || schema?["type"]?.stringValue == "object"
        if forcedToolAllowed, body.tools == nil, objectRoot {
            body.tools = [AnthropicTool(name: name, description: description, inputSchema: schema ?? ["type": "object"])]
            body.toolChoice = AnthropicToolChoice(type: "tool", name: name)
            return name
        }
        var instruction = "Respond with a single JSON document and nothing else: no prose, no code fences."
        if let schema {
            instruction += " The document must validate against this JSON Schema: " + Self.jsonText(schema)
        }
        systemTexts.append(instruction)
        return nil
    }

    private func userBlocks(_ content: MessageContent?, at index: Int) throws(ProviderError) -> [AnthropicContentBlock] {
        var blocks: [AnthropicContentBlock] = []
        for part in content?.asParts ?? [] {
            switch part {
            case .text(let text): if !text.isEmpty { blocks.append(.text(text)) }
            case .imageURL(let image): blocks.append(.image(try Self.imageSource(image.url, at: index)))
            case .inputAudio, .other: continue  // refused by check(_:)
            }
        }
        return blocks
    }

    private func assistantBlocks(_ message: ChatMessage, at index: Int) throws(ProviderError) -> [AnthropicContentBlock] {
        var blocks: [AnthropicContentBlock] = []
        if let text = message.content?.text, !text.isEmpty { blocks.append(.text(text)) }
        for call in message.toolCalls ?? [] {
            guard let input = Self.jsonObject(call.function.arguments) else {
                throw .badRequest(
                    .invalidRequest(
                        "The arguments of tool call '\(call.id)' are not a JSON object.",
                        param: "messages[\(index)].tool_calls", code: "invalid_value"))
            }
            blocks.append(.toolUse(id: call.id, name: call.function.name, input: input))
        }
        return blocks
    }

    private func toolResultContent(_ content: MessageContent?, at index: Int) throws(ProviderError) -> AnthropicToolResultContent? {
        guard let content else { return nil }
        guard case .parts(let parts) = content, parts.contains(where: { if case .imageURL = $0 { true } else { false } })
        else { return .text(content.text) }
        return .blocks(try userBlocks(content, at: index))
    }

    /// An image source for an `image_url`: `data:` URLs become base64 sources, other URLs URL sources.
    static func imageSource(_ url: String, at index: Int) throws(ProviderError) -> AnthropicImageSource {
        guard url.hasPrefix("data:") else { return .url(url) }
        guard let comma = url.firstIndex(of: ","), url[..<comma].hasSuffix(";base64") else {
            throw .badRequest(
                .invalidRequest(
                    "Image data URLs must be base64-encoded ('data:<media type>;base64,<data>').",
                    param: "messages[\(index)].content", code: "invalid_value"))
        }
        let mediaType = String(url[url.index(url.startIndex, offsetBy: 5)..<comma].dropLast(7))
        return .base64(mediaType: mediaType, data: String(url[url.index(after: comma)...]))
    }

    /// Compact JSON text with sorted keys.
    static func jsonText(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Arguments parsed as a JSON object (empty text is an empty object), or `nil`.
    static func jsonObject(_ text: String) -> JSONValue? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .object([:]) }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8)), case .object = value
        else { return nil }
        return value
    }
}
