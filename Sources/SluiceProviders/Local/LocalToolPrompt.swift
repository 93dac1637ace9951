import Foundation
import SluiceAPI
import SluiceEngine

/// Puts tools, tool calls and tool results into a local model's prompt, in the Hermes/Qwen format the
/// output parser reads back (`<tool_call>` JSON).
///
/// A template that renders `tools` itself (Qwen2.5, Qwen3, Hermes, …) gets them as the `tools` variable
/// (OpenAI tool objects) and the messages as they are. A template that does not know tools gets what
/// Qwen2.5's template would have written: the tools block appended to the system message (or as the
/// system message), each assistant tool call as `<tool_call>\n{"name": …, "arguments": …}\n</tool_call>`
/// after its text, and each run of `tool` messages as one user turn of `<tool_response>` blocks.
enum LocalToolPrompt {
    /// The instructions and signature list of Qwen2.5's template, before and after the tools' JSON lines.
    static let blockHead =
        "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
        + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>"
    static let blockTail =
        "\n</tools>\n\nFor each function call, return a json object with function name and arguments within "
        + "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>"

    /// `{% for tool in tools %}` one `tojson` line each, as Qwen2.5 renders them (Python `json.dumps` spacing).
    private static let linesTemplate: ChatTemplate? = try? ChatTemplate(
        source: "{%- for tool in tools %}{{ '\\n' }}{{ tool | tojson }}{%- endfor %}", bosToken: "", eosToken: "")
    private static let argumentsTemplate: ChatTemplate? = try? ChatTemplate(
        source: "{{ arguments | tojson }}", bosToken: "", eosToken: "")

    /// Whether a template source renders the `tools` variable.
    static func templateRendersTools(_ source: String) -> Bool {
        source.range(of: #"\btools\b"#, options: .regularExpression) != nil
    }

    /// A tool as the OpenAI tool object a template iterates over (keys in OpenAI's order).
    static func templateValue(_ tool: Tool) throws -> TemplateValue {
        var function = TemplateObject([("name", .string(tool.function.name))])
        if let description = tool.function.description { function["description"] = .string(description) }
        if let parameters = tool.function.parameters {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            function["parameters"] = try TemplateValue(jsonData: encoder.encode(parameters))
        }
        return .object(TemplateObject([("type", .string(tool.type)), ("function", .object(function))]))
    }

    /// The tools block of a system message, Qwen2.5's text.
    static func block(_ tools: [Tool]) throws -> String {
        let values = try tools.map(templateValue)
        guard let linesTemplate else { throw ChatTemplateError.missingTemplate }
        return blockHead + (try linesTemplate.render(messages: [], tools: values, addGenerationPrompt: false)) + blockTail
    }

    /// The messages rewritten for a template without tool support (see the type's documentation).
    static func inline(_ messages: [ChatMessage], tools: [Tool]?) throws -> [ChatMessage] {
        var result: [ChatMessage] = []
        var results: [String] = []
        func flushResults() {
            guard !results.isEmpty else { return }
            result.append(.text(.user, results.joined(separator: "\n")))
            results = []
        }
        for message in messages {
            if message.role == .tool {
                results.append("<tool_response>\n" + (message.content?.text ?? "") + "\n</tool_response>")
                continue
            }
            flushResults()
            guard message.role == .assistant, let calls = message.toolCalls, !calls.isEmpty else {
                result.append(message)
                continue
            }
            var text = message.content?.text ?? ""
            for call in calls {
                if !text.isEmpty { text += "\n" }
                text += "<tool_call>\n{\"name\": \"" + call.function.name + "\", \"arguments\": "
                    + (try renderArguments(call.function.arguments)) + "}\n</tool_call>"
            }
            var rewritten = message
            rewritten.content = .text(text)
            rewritten.toolCalls = nil
            result.append(rewritten)
        }
        flushResults()
        if let tools, !tools.isEmpty {
            let block = try block(tools)
            if let first = result.first, first.role == .system || first.role == .developer {
                let system = first.content?.text ?? ""
                result[0] = .text(.system, system.isEmpty ? block : system + "\n\n" + block)
            } else {
                result.insert(.text(.system, block), at: 0)
            }
        }
        return result
    }

    /// Arguments as Qwen2.5 writes them: the parsed object through `tojson`, or the text as a JSON string.
    private static func renderArguments(_ arguments: String) throws -> String {
        let value = (try? TemplateValue(json: arguments)) ?? .string(arguments)
        guard let argumentsTemplate else { throw ChatTemplateError.missingTemplate }
        return try argumentsTemplate.render(messages: [], addGenerationPrompt: false, extra: ["arguments": value])
    }
}
