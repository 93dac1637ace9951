import Foundation
import SluiceAPI

/// Canonical request → Gemini `GenerateContentRequest`.
///
/// - `system` and `developer` messages, wherever they stand, become `systemInstruction` parts, in order.
/// - `assistant` becomes role `model`: text parts, then one `functionCall` part per tool call. Reasoning
///   is not sent back (Sluice does not keep Gemini's thought signatures). Gemini 3 requires a signature
///   on the first `functionCall` of each model step, so replayed calls carry Google's documented
///   placeholder ``GeminiRequestTranslator/placeholderSignature``.
/// - `tool` (and the old `function`) messages become `functionResponse` parts of a `user` turn; the
///   function name is looked up from the earlier assistant `tool_call` with the same id. A result that
///   is a JSON object is sent as is; anything else (other JSON, plain text) as `{"result": ...}`.
/// - Consecutive turns of the same role are merged, so parallel tool results share one turn.
/// - Images: `data:` URLs become `inlineData`; other URLs become `fileData` with a MIME type guessed
///   from the extension (Gemini fetches only URLs it supports, such as Files API URIs). Audio becomes
///   `inlineData`; a `file` part with a `data:` URL too.
/// - `reasoning_effort` becomes `thinkingConfig.thinkingBudget` (see ``thinkingBudget(for:)``) with
///   `includeThoughts`, so that thought summaries come back as `reasoning_content`.
/// - `response_format` `json_object` sets `responseMimeType: application/json`; `json_schema` adds the
///   schema as `responseJsonSchema` (plain JSON Schema; Gemini supports a subset and ignores or rejects
///   the rest). Tool parameters likewise go in `parametersJsonSchema`.
enum GeminiRequestTranslator {
    /// The thought signature Google documents for function calls the model did not just produce.
    static let placeholderSignature = "skip_thought_signature_validator"

    /// The Gemini request for a canonical one. Throws a 400 for content Gemini cannot take.
    static func translate(_ request: ChatRequest) throws(ProviderError) -> GeminiRequest {
        var system: [GeminiPart] = []
        var contents: [GeminiContent] = []
        var callNames: [String: String] = [:]

        for (index, message) in request.messages.enumerated() {
            switch message.role {
            case .system, .developer:
                let text = message.content?.text ?? ""
                if !text.isEmpty { system.append(GeminiPart(text: text)) }
            case .user:
                let parts = try userParts(message.content, messageIndex: index)
                append(GeminiContent(role: "user", parts: parts), to: &contents)
            case .assistant:
                var parts: [GeminiPart] = []
                if let text = message.content?.text, !text.isEmpty { parts.append(GeminiPart(text: text)) }
                for (callIndex, call) in (message.toolCalls ?? []).enumerated() {
                    callNames[call.id] = call.function.name
                    let args = try arguments(call.function.arguments, param: "messages[\(index)].tool_calls[\(callIndex)]")
                    parts.append(
                        GeminiPart(
                            thoughtSignature: callIndex == 0 ? placeholderSignature : nil,
                            functionCall: GeminiFunctionCall(name: call.function.name, args: args)))
                }
                append(GeminiContent(role: "model", parts: parts), to: &contents)
            case .tool, .function:
                let name: String
                if let id = message.toolCallID, let known = callNames[id] {
                    name = known
                } else if let given = message.name {
                    name = given
                } else {
                    throw .badRequest(
                        .invalidRequest(
                            "The tool message at messages[\(index)] answers tool_call_id '\(message.toolCallID ?? "")', which no earlier assistant message called.",
                            param: "messages[\(index)].tool_call_id", code: "invalid_value"))
                }
                let part = GeminiPart(
                    functionResponse: GeminiFunctionResponse(name: name, response: toolResult(message.content?.text ?? "")))
                append(GeminiContent(role: "user", parts: [part]), to: &contents)
            }
        }
        guard !contents.isEmpty else {
            throw .badRequest(
                .invalidRequest(
                    "Gemini needs at least one user or assistant message besides the system messages.",
                    param: "messages", code: "invalid_value"))
        }

        var gemini = GeminiRequest(contents: contents)
        if !system.isEmpty { gemini.systemInstruction = GeminiContent(role: nil, parts: system) }
        if let tools = request.tools, !tools.isEmpty {
            gemini.tools = [
                GeminiTool(
                    functionDeclarations: tools.map {
                        GeminiFunctionDeclaration(
                            name: $0.function.name, description: $0.function.description,
                            parametersJsonSchema: $0.function.parameters)
                    })
            ]
            if let choice = request.toolChoice { gemini.toolConfig = toolConfig(choice) }
        }
        let config = generationConfig(request)
        if !config.isEmpty { gemini.generationConfig = config }
        return gemini
    }

    /// The thinking budget for a `reasoning_effort`: `none` 0 (thinking off), `minimal` 512, `low` 1024,
    /// `medium` 8192, `high` and `xhigh` 24576 (the largest budget every Gemini 2.5 model accepts).
    static func thinkingBudget(for effort: String) -> Int? {
        switch effort {
        case "none": return 0
        case "minimal": return 512
        case "low": return 1024
        case "medium": return 8192
        case "high", "xhigh": return 24576
        default: return nil
        }
    }

    static func toolConfig(_ choice: ToolChoice) -> GeminiToolConfig {
        switch choice {
        case .none: return GeminiToolConfig(functionCallingConfig: .init(mode: "NONE"))
        case .auto: return GeminiToolConfig(functionCallingConfig: .init(mode: "AUTO"))
        case .required: return GeminiToolConfig(functionCallingConfig: .init(mode: "ANY"))
        case .function(let name):
            return GeminiToolConfig(functionCallingConfig: .init(mode: "ANY", allowedFunctionNames: [name]))
        }
    }

    static func generationConfig(_ request: ChatRequest) -> GeminiGenerationConfig {
        var config = GeminiGenerationConfig()
        config.temperature = request.temperature
        config.topP = request.topP
        config.topK = request.extra["top_k"]?.intValue
        config.maxOutputTokens = request.outputTokenLimit
        config.stopSequences = request.stop?.values
        config.candidateCount = request.n
        config.seed = request.seed
        config.presencePenalty = request.presencePenalty
        config.frequencyPenalty = request.frequencyPenalty
        if request.logprobs == true {
            config.responseLogprobs = true
            config.logprobs = request.topLogprobs
        }
        switch request.responseFormat {
        case .jsonObject:
            config.responseMimeType = "application/json"
        case .jsonSchema(let format):
            config.responseMimeType = "application/json"
            config.responseJsonSchema = format.schema
        case .text, nil:
            break
        }
        if let effort = request.reasoningEffort, let budget = thinkingBudget(for: effort) {
            config.thinkingConfig = GeminiThinkingConfig(thinkingBudget: budget, includeThoughts: budget > 0 ? true : nil)
        }
        return config
    }

    // MARK: - Parts

    private static func append(_ content: GeminiContent, to contents: inout [GeminiContent]) {
        guard !content.parts.isEmpty else { return }
        if let last = contents.last, last.role == content.role {
            contents[contents.count - 1].parts.append(contentsOf: content.parts)
        } else {
            contents.append(content)
        }
    }

    private static func userParts(_ content: MessageContent?, messageIndex: Int) throws(ProviderError) -> [GeminiPart] {
        guard let content else { return [] }
        var parts: [GeminiPart] = []
        for (index, part) in content.asParts.enumerated() {
            let param = "messages[\(messageIndex)].content[\(index)]"
            switch part {
            case .text(let text):
                if !text.isEmpty { parts.append(GeminiPart(text: text)) }
            case .imageURL(let image):
                parts.append(try mediaPart(url: image.url, param: param))
            case .inputAudio(let data, let format):
                parts.append(GeminiPart(inlineData: GeminiBlob(mimeType: "audio/\(format)", data: data)))
            case .other(let value):
                guard value["type"]?.stringValue == "file", let data = value["file"]?["file_data"]?.stringValue,
                    let blob = dataURL(data)
                else {
                    throw .badRequest(
                        .unsupportedParameter(
                            param, "Gemini cannot take a content part of type '\(value["type"]?.stringValue ?? "?")' here."))
                }
                parts.append(GeminiPart(inlineData: blob))
            }
        }
        return parts
    }

    private static func mediaPart(url: String, param: String) throws(ProviderError) -> GeminiPart {
        if url.hasPrefix("data:") {
            guard let blob = dataURL(url) else {
                throw .badRequest(.invalidRequest("Invalid base64 data URL in \(param).", param: param, code: "invalid_value"))
            }
            return GeminiPart(inlineData: blob)
        }
        return GeminiPart(fileData: GeminiFileData(mimeType: mimeType(forURL: url), fileUri: url))
    }

    /// `data:<mime>;base64,<data>` → a blob.
    static func dataURL(_ url: String) -> GeminiBlob? {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return nil }
        let mime = header.dropLast(7)
        return GeminiBlob(mimeType: mime.isEmpty ? "application/octet-stream" : String(mime), data: String(url[url.index(after: comma)...]))
    }

    /// The MIME type a URL's extension suggests (images, PDF, audio, video); `image/jpeg` otherwise.
    static func mimeType(forURL url: String) -> String {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let ext = path.split(separator: ".").last?.lowercased() ?? ""
        let known: [String: String] = [
            "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif",
            "heic": "image/heic", "heif": "image/heif", "pdf": "application/pdf", "mp3": "audio/mp3",
            "wav": "audio/wav", "mp4": "video/mp4",
        ]
        return known[ext] ?? "image/jpeg"
    }

    /// Tool-call arguments (a JSON string) as the object Gemini wants; empty means no arguments.
    private static func arguments(_ text: String, param: String) throws(ProviderError) -> JSONValue {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .object([:]) }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), value.objectValue != nil else {
            throw .badRequest(
                .invalidRequest("The arguments of \(param) are not a JSON object.", param: param, code: "invalid_value"))
        }
        return value
    }

    /// A tool result as a `functionResponse.response` object.
    static func toolResult(_ text: String) -> JSONValue {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) {
            return value.objectValue != nil ? value : ["result": value]
        }
        return ["result": .string(text)]
    }
}
