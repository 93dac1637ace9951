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

    /// Template variables from request options: Qwen3's `enable_thinking` follows `reasoning_effort`
    /// (`none` turns it off) unless the caller set `enable_thinking` itself.
    static func extra(_ request: ChatRequest) -> [String: TemplateValue] {
        var extra: [String: TemplateValue] = [:]
        if case .bool(let enabled)? = request.extra["enable_thinking"] {
            extra["enable_thinking"] = .bool(enabled)
        } else if let effort = request.reasoningEffort {
            extra["enable_thinking"] = .bool(effort != "none")
        }
        return extra
    }
}
