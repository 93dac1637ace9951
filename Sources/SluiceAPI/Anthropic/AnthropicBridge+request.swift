extension AnthropicBridge {
    /// The canonical request for an Anthropic Messages request.
    ///
    /// - Throws: a 400 ``APIError`` for what has no canonical form: a missing `max_tokens`, a role other
    ///   than `user` or `assistant`, server tools, and block types such as `document`.
    public static func chatRequest(from request: AnthropicMessagesRequest) throws(APIError) -> ChatRequest {
        guard let maxTokens = request.maxTokens else {
            throw APIError.invalidRequest(
                "max_tokens: Field required", param: "max_tokens", code: "missing_required_parameter")
        }
        var messages: [ChatMessage] = []
        if let system = request.system {
            let texts = system.texts
            if texts.count == 1 {
                messages.append(.text(.system, texts[0]))
            } else if !texts.isEmpty {
                messages.append(ChatMessage(role: .system, content: .parts(texts.map { .text($0) })))
            }
        }
        for (index, message) in request.messages.enumerated() {
            switch message.role {
            case "user": messages += try userMessages(message.content, at: index)
            case "assistant": messages.append(try assistantMessage(message.content, at: index))
            default:
                throw APIError.invalidRequest(
                    "messages.\(index).role: Input should be 'user' or 'assistant'", param: "messages[\(index)].role",
                    code: "invalid_value")
            }
        }
        var chat = ChatRequest(model: request.model, messages: messages)
        chat.maxTokens = maxTokens
        chat.temperature = request.temperature
        chat.topP = request.topP
        if let topK = request.topK { chat.extra["top_k"] = .int(Int64(topK)) }
        if let stops = request.stopSequences, !stops.isEmpty { chat.stop = StopSequences(stops) }
        chat.user = request.metadata?.userID
        if request.stream == true {
            chat.stream = true
            chat.streamOptions = StreamOptions(includeUsage: true)
        }
        if let tools = request.tools {
            chat.tools = try tools.map { (tool: AnthropicTool) throws(APIError) -> Tool in
                guard tool.isClientTool else {
                    throw APIError.unsupportedParameter(
                        "tools", "Anthropic server tool '\(tool.type ?? "")' is not supported by this gateway.")
                }
                return Tool(
                    function: FunctionDefinition(
                        name: tool.name, description: tool.description, parameters: tool.inputSchema))
            }
        }
        if let choice = request.toolChoice {
            switch choice.type {
            case "auto": chat.toolChoice = .auto
            case "any": chat.toolChoice = .required
            case "none": chat.toolChoice = ToolChoice.none
            case "tool":
                guard let name = choice.name else {
                    throw APIError.invalidRequest(
                        "tool_choice.name: Field required", param: "tool_choice.name", code: "missing_required_parameter")
                }
                chat.toolChoice = .function(name: name)
            default:
                throw APIError.invalidRequest(
                    "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'", param: "tool_choice.type",
                    code: "invalid_value")
            }
            if choice.disableParallelToolUse == true { chat.parallelToolCalls = false }
        }
        switch request.thinking {
        case .enabled(let budget)?:
            chat.reasoningEffort = reasoningEffort(forBudget: budget)
            var sluice = chat.sluice?.objectValue ?? [:]
            sluice[thinkingBudgetKey] = .int(Int64(budget))
            chat.sluice = .object(sluice)
        case .disabled?:
            chat.reasoningEffort = "none"
        case nil:
            break
        }
        return chat
    }

    /// A user turn: one `tool` message per `tool_result` block, in order, then the rest as one user message.
    private static func userMessages(_ content: AnthropicMessageContent, at index: Int) throws(APIError) -> [ChatMessage] {
        guard case .blocks(let blocks) = content else { return [.text(.user, content.text)] }
        var toolMessages: [ChatMessage] = []
        var parts: [ContentPart] = []
        for block in blocks {
            switch block {
            case .text(let text, _):
                parts.append(.text(text))
            case .image(let source, _):
                parts.append(.imageURL(try imageURL(source, at: index)))
            case .toolResult(let result):
                toolMessages.append(
                    ChatMessage(
                        role: .tool, content: try toolResultContent(result, at: index), toolCallID: result.toolUseID))
            default:
                throw unsupportedBlock(block, at: index)
            }
        }
        guard !parts.isEmpty else { return toolMessages }
        if parts.count == 1, case .text(let text) = parts[0] {
            return toolMessages + [.text(.user, text)]
        }
        return toolMessages + [ChatMessage(role: .user, content: .parts(parts))]
    }

    private static func assistantMessage(_ content: AnthropicMessageContent, at index: Int) throws(APIError) -> ChatMessage {
        var text = ""
        var reasoning = ""
        var calls: [ToolCall] = []
        for block in content.blocks {
            switch block {
            case .text(let piece, _): text += piece
            case .thinking(let thinking, _): reasoning += thinking
            case .redactedThinking: continue
            case .toolUse(let id, let name, let input):
                calls.append(ToolCall(id: id, function: FunctionCall(name: name, arguments: jsonText(input))))
            default: throw unsupportedBlock(block, at: index)
            }
        }
        return ChatMessage(
            role: .assistant, content: text.isEmpty && !calls.isEmpty ? nil : .text(text),
            toolCalls: calls.isEmpty ? nil : calls, reasoningContent: reasoning.isEmpty ? nil : reasoning)
    }

    private static func toolResultContent(_ result: AnthropicToolResult, at index: Int) throws(APIError) -> MessageContent {
        let prefix = result.isError == true ? "Error: " : ""
        switch result.content {
        case nil:
            return .text(prefix)
        case .text(let text)?:
            return .text(prefix + text)
        case .blocks(let blocks)?:
            var parts: [ContentPart] = prefix.isEmpty ? [] : [.text(prefix)]
            for block in blocks {
                switch block {
                case .text(let text, _): parts.append(.text(text))
                case .image(let source, _): parts.append(.imageURL(try imageURL(source, at: index)))
                default: throw unsupportedBlock(block, at: index)
                }
            }
            if parts.allSatisfy({ if case .text = $0 { true } else { false } }) {
                return .text(MessageContent.parts(parts).text)
            }
            return .parts(parts)
        }
    }

    private static func imageURL(_ source: AnthropicImageSource, at index: Int) throws(APIError) -> ContentPart.ImageURL {
        switch source {
        case .base64(let mediaType, let data): return ContentPart.ImageURL(url: "data:\(mediaType);base64,\(data)")
        case .url(let url): return ContentPart.ImageURL(url: url)
        case .other(let value):
            throw APIError.unsupportedParameter(
                "messages[\(index)].content",
                "Image source type '\(value["type"]?.stringValue ?? "unknown")' is not supported by this gateway.")
        }
    }

    private static func unsupportedBlock(_ block: AnthropicContentBlock, at index: Int) -> APIError {
        APIError.unsupportedParameter(
            "messages[\(index)].content", "Content block type '\(block.type)' is not supported by this gateway.")
    }
}
