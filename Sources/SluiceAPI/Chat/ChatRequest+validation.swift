/// Semantic checks of a decoded request, with the 400 OpenAI gives for each.
extension ChatRequest {
    /// The reasoning efforts Sluice accepts (`none` turns thinking off).
    public static let reasoningEfforts: Set<String> = ["none", "minimal", "low", "medium", "high", "xhigh"]

    /// Throws the first problem found, naming the parameter at fault.
    public func validate() throws(APIError) {
        if model.isEmpty { throw .invalidRequest("you must provide a model parameter", param: "model", code: "missing_required_parameter") }
        if messages.isEmpty {
            throw .invalidRequest("'messages' must contain at least one message.", param: "messages", code: "empty_array")
        }
        for (index, message) in messages.enumerated() {
            try message.validate(at: index)
        }
        try Self.check(temperature, in: 0...2, "temperature")
        try Self.check(topP, in: 0...1, "top_p")
        try Self.check(presencePenalty, in: -2...2, "presence_penalty")
        try Self.check(frequencyPenalty, in: -2...2, "frequency_penalty")
        if let n, !(1...128).contains(n) { throw Self.range("n", "between 1 and 128", n) }
        if let maxTokens, maxTokens < 1 { throw Self.range("max_tokens", "at least 1", maxTokens) }
        if let maxCompletionTokens, maxCompletionTokens < 1 {
            throw Self.range("max_completion_tokens", "at least 1", maxCompletionTokens)
        }
        if let topLogprobs {
            if !(0...20).contains(topLogprobs) { throw Self.range("top_logprobs", "between 0 and 20", topLogprobs) }
            if logprobs != true {
                throw .invalidRequest("'top_logprobs' requires 'logprobs' to be true.", param: "top_logprobs", code: "invalid_value")
            }
        }
        if let logitBias {
            for (token, bias) in logitBias where !(-100...100).contains(bias) || Int(token) == nil {
                throw .invalidRequest(
                    "Invalid 'logit_bias': keys must be token ids and values between -100 and 100.", param: "logit_bias",
                    code: "invalid_value")
            }
        }
        if let stop, stop.values.contains(where: \.isEmpty) {
            throw .invalidRequest("Invalid 'stop': stop sequences must not be empty.", param: "stop", code: "invalid_value")
        }
        if streamOptions != nil && stream != true {
            throw .invalidRequest(
                "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: "stream_options",
                code: "invalid_value")
        }
        if let reasoningEffort, !Self.reasoningEfforts.contains(reasoningEffort) {
            throw .invalidRequest(
                "Invalid 'reasoning_effort': '\(reasoningEffort)'. Supported values are: \(Self.reasoningEfforts.sorted().joined(separator: ", ")).",
                param: "reasoning_effort", code: "invalid_value")
        }
        if let metadata, metadata.objectValue == nil {
            throw .invalidRequest("Invalid 'metadata': expected an object.", param: "metadata", code: "invalid_type")
        }
        try validateTools()
        try validateResponseFormat()
    }

    private func validateTools() throws(APIError) {
        let tools = self.tools ?? []
        var names: Set<String> = []
        for (index, tool) in tools.enumerated() {
            let param = "tools[\(index)]"
            if tool.type != "function" {
                throw .invalidRequest("Invalid '\(param).type': only 'function' tools are supported.", param: "\(param).type", code: "invalid_value")
            }
            if !Self.isValidName(tool.function.name) {
                throw .invalidRequest(
                    "Invalid '\(param).function.name': '\(tool.function.name)' must be 1 to 64 letters, digits, underscores, or dashes.",
                    param: "\(param).function.name", code: "invalid_value")
            }
            if !names.insert(tool.function.name).inserted {
                throw .invalidRequest(
                    "Duplicate tool name '\(tool.function.name)' in 'tools'.", param: "\(param).function.name", code: "invalid_value")
            }
            if let parameters = tool.function.parameters, parameters.objectValue == nil {
                throw .invalidRequest(
                    "Invalid '\(param).function.parameters': expected a JSON Schema object.",
                    param: "\(param).function.parameters", code: "invalid_type")
            }
        }
        if let toolChoice, toolChoice != .none, tools.isEmpty {
            throw .invalidRequest(
                "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
                param: "tool_choice", code: "invalid_value")
        }
        if case .function(let name)? = toolChoice, !names.contains(name) {
            throw .invalidRequest(
                "Invalid 'tool_choice': no tool named '\(name)' is defined in 'tools'.", param: "tool_choice", code: "invalid_value")
        }
        if parallelToolCalls != nil, tools.isEmpty {
            throw .invalidRequest(
                "'parallel_tool_calls' is only allowed when 'tools' are specified.", param: "parallel_tool_calls",
                code: "invalid_value")
        }
    }

    private func validateResponseFormat() throws(APIError) {
        guard case .jsonSchema(let format)? = responseFormat else { return }
        if !Self.isValidName(format.name) {
            throw .invalidRequest(
                "Invalid 'response_format.json_schema.name': must be 1 to 64 letters, digits, underscores, or dashes.",
                param: "response_format.json_schema.name", code: "invalid_value")
        }
        guard let schema = format.schema else {
            throw .invalidRequest(
                "Missing required parameter: 'response_format.json_schema.schema'.",
                param: "response_format.json_schema.schema", code: "missing_required_parameter")
        }
        if schema.objectValue == nil {
            throw .invalidRequest(
                "Invalid 'response_format.json_schema.schema': expected a JSON Schema object.",
                param: "response_format.json_schema.schema", code: "invalid_type")
        }
    }

    private static func check(_ value: Double?, in bounds: ClosedRange<Double>, _ param: String) throws(APIError) {
        guard let value else { return }
        if !value.isFinite || !bounds.contains(value) {
            throw range(param, "between \(format(bounds.lowerBound)) and \(format(bounds.upperBound))", value)
        }
    }

    private static func range(_ param: String, _ expectation: String, _ value: some Numeric) -> APIError {
        .invalidRequest(
            "Invalid '\(param)': \(value) is not valid. Expected a value \(expectation).", param: param,
            code: "invalid_value")
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    static func isValidName(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count) else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}

extension ChatMessage {
    func validate(at index: Int) throws(APIError) {
        let param = "messages[\(index)]"
        switch role {
        case .system, .developer, .user:
            guard let content else {
                throw .invalidRequest(
                    "Missing required parameter: '\(param).content'.", param: "\(param).content",
                    code: "missing_required_parameter")
            }
            if case .parts(let parts) = content, parts.isEmpty {
                throw .invalidRequest(
                    "Invalid '\(param).content': empty array. Expected an array with minimum length 1.",
                    param: "\(param).content", code: "empty_array")
            }
        case .assistant:
            if content == nil && (toolCalls ?? []).isEmpty && refusal == nil {
                throw .invalidRequest(
                    "Invalid '\(param)': an assistant message needs 'content' or 'tool_calls'.", param: "\(param).content",
                    code: "missing_required_parameter")
            }
        case .tool:
            if toolCallID == nil {
                throw .invalidRequest(
                    "Missing required parameter: '\(param).tool_call_id'.", param: "\(param).tool_call_id",
                    code: "missing_required_parameter")
            }
            if content == nil {
                throw .invalidRequest(
                    "Missing required parameter: '\(param).content'.", param: "\(param).content",
                    code: "missing_required_parameter")
            }
        case .function:
            if name == nil {
                throw .invalidRequest(
                    "Missing required parameter: '\(param).name'.", param: "\(param).name", code: "missing_required_parameter")
            }
        }
    }
}
