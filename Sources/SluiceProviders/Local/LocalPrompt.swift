import Foundation
import SluiceAPI
import SluiceEngine

/// Renders a canonical request into the prompt text a local model's own chat template expects.
enum LocalPrompt {
    /// The messages as the template sees them: text content (parts joined), `""` instead of a null
    /// content, tool calls with their arguments, tool results with their call id, and reasoning.
    static func messages(_ messages: [ChatMessage]) throws -> [TemplateValue] {
        var rendered: [TemplateValue] = []
        for message in messages {
            var object: [String: JSONValue] = [
                "role": .string(message.role == .developer ? "system" : message.role.rawValue),
                "content": .string(message.content?.text ?? ""),
            ]
            if let name = message.name { object["name"] = .string(name) }
            if let id = message.toolCallID { object["tool_call_id"] = .string(id) }
            if let reasoning = message.reasoningContent { object["reasoning_content"] = .string(reasoning) }
            if let calls = message.toolCalls {
                object["tool_calls"] = .array(calls.map { call in
                    ["id": .string(call.id), "type": .string(call.type),
                     "function": ["name": .string(call.function.name), "arguments": .string(call.function.arguments)]]
                })
            }
            rendered.append(try TemplateValue(jsonData: JSONEncoder().encode(JSONValue.object(object))))
        }
        return rendered
    }

    /// The model's chat template, or `override` (`local.chat_template`) with the model's BOS/EOS texts.
    static func template(tokenizer: Tokenizer, override: String?) throws(ChatTemplateError) -> ChatTemplate {
        guard let override else { return try ChatTemplate(tokenizer: tokenizer) }
        let bos = tokenizer.bosTokenID.map { tokenizer.tokens[Int($0)] } ?? ""
        let eos = tokenizer.eosTokenID.map { tokenizer.tokens[Int($0)] } ?? ""
        return try ChatTemplate(source: override, bosToken: bos, eosToken: eos)
    }

    /// The prompt text for a request, and whether the output starts inside an open thought.
    ///
    /// Tools go in as ``LocalToolPrompt`` says (the `tools` variable for templates that render it, else
    /// inlined in Qwen2.5's format); thinking is switched as ``LocalThinking`` says.
    static func render(
        _ request: ChatRequest, template: ChatTemplate, tools: LocalToolChoice, thinking: LocalThinking
    ) throws -> (prompt: String, startsInThought: Bool) {
        let native = LocalToolPrompt.templateRendersTools(template.source)
        let conversation = native ? request.messages : try LocalToolPrompt.inline(request.messages, tools: tools.tools)
        let toolValues = native && !tools.tools.isEmpty ? try tools.tools.map(LocalToolPrompt.templateValue) : nil
        var prompt = try template.render(
            messages: try messages(conversation), tools: toolValues, addGenerationPrompt: true,
            extra: extra(request, thinking: thinking))
        let startsInThought = thinking.adjust(prompt: &prompt, templateSource: template.source)
        return (prompt, startsInThought)
    }

    /// Template variables from request options: `chat_template_kwargs` (as vLLM takes them), and Qwen3's
    /// `enable_thinking` from the thinking switch.
    static func extra(_ request: ChatRequest, thinking: LocalThinking) throws -> [String: TemplateValue] {
        var extra: [String: TemplateValue] = [:]
        if let kwargs = request.extra["chat_template_kwargs"]?.objectValue {
            for (key, value) in kwargs { extra[key] = try TemplateValue(jsonData: JSONEncoder().encode(value)) }
        }
        if let enabled = thinking.enabled { extra["enable_thinking"] = .bool(enabled) }
        return extra
    }
}
