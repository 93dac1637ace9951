import SluiceAPI

// The Gemini API's `generateContent` wire format (v1beta), as Google documents it: only the members
// Sluice reads or writes. Unknown members in responses (safety ratings, citation metadata, grounding)
// are skipped by decoding.

/// `GenerateContentRequest`.
struct GeminiRequest: Codable, Sendable, Hashable {
    var contents: [GeminiContent]
    var systemInstruction: GeminiContent?
    var tools: [GeminiTool]?
    var toolConfig: GeminiToolConfig?
    var generationConfig: GeminiGenerationConfig?
}

/// `Content`: one turn of the conversation, `user` or `model` (no role inside `systemInstruction`).
struct GeminiContent: Codable, Sendable, Hashable {
    var role: String?
    var parts: [GeminiPart]

    init(role: String?, parts: [GeminiPart]) {
        self.role = role
        self.parts = parts
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decodeIfPresent(String.self, forKey: .role)
        // A candidate stopped by a filter may come with an empty content object.
        parts = try container.decodeIfPresent([GeminiPart].self, forKey: .parts) ?? []
    }

    private enum CodingKeys: String, CodingKey { case role, parts }
}

/// `Part`: exactly one of text, inline data, file data, function call, or function response, plus
/// the thinking markers (`thought`, `thoughtSignature`).
struct GeminiPart: Codable, Sendable, Hashable {
    var text: String?
    /// Set on parts that are thought summaries rather than the answer.
    var thought: Bool?
    /// An opaque signature of the model's reasoning, to be sent back on the part it came with.
    var thoughtSignature: String?
    var inlineData: GeminiBlob?
    var fileData: GeminiFileData?
    var functionCall: GeminiFunctionCall?
    var functionResponse: GeminiFunctionResponse?

    init(
        text: String? = nil, thought: Bool? = nil, thoughtSignature: String? = nil, inlineData: GeminiBlob? = nil,
        fileData: GeminiFileData? = nil, functionCall: GeminiFunctionCall? = nil,
        functionResponse: GeminiFunctionResponse? = nil
    ) {
        self.text = text
        self.thought = thought
        self.thoughtSignature = thoughtSignature
        self.inlineData = inlineData
        self.fileData = fileData
        self.functionCall = functionCall
        self.functionResponse = functionResponse
    }
}

/// `Blob`: base64 bytes with their MIME type.
struct GeminiBlob: Codable, Sendable, Hashable {
    var mimeType: String
    var data: String
}

/// `FileData`: a file referenced by URI.
struct GeminiFileData: Codable, Sendable, Hashable {
    var mimeType: String?
    var fileUri: String
}

/// `FunctionCall`: arguments arrive whole, as a JSON object.
struct GeminiFunctionCall: Codable, Sendable, Hashable {
    var id: String?
    var name: String
    var args: JSONValue?
}

/// `FunctionResponse`: the result of a call; `response` must be a JSON object.
struct GeminiFunctionResponse: Codable, Sendable, Hashable {
    var id: String?
    var name: String
    var response: JSONValue
}

/// `Tool` with function declarations.
struct GeminiTool: Codable, Sendable, Hashable {
    var functionDeclarations: [GeminiFunctionDeclaration]
}

/// `FunctionDeclaration`. Parameters go in `parametersJsonSchema` (plain JSON Schema) rather than
/// `parameters` (the OpenAPI subset), so that OpenAI-style schemas pass unchanged.
struct GeminiFunctionDeclaration: Codable, Sendable, Hashable {
    var name: String
    var description: String?
    var parametersJsonSchema: JSONValue?
}

/// `ToolConfig`.
struct GeminiToolConfig: Codable, Sendable, Hashable {
    var functionCallingConfig: GeminiFunctionCallingConfig
}

/// `FunctionCallingConfig`: `mode` is `AUTO`, `ANY`, or `NONE`.
struct GeminiFunctionCallingConfig: Codable, Sendable, Hashable {
    var mode: String
    var allowedFunctionNames: [String]?
}

/// `GenerationConfig`.
struct GeminiGenerationConfig: Codable, Sendable, Hashable {
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var maxOutputTokens: Int?
    var stopSequences: [String]?
    var candidateCount: Int?
    var seed: Int64?
    var presencePenalty: Double?
    var frequencyPenalty: Double?
    var responseMimeType: String?
    var responseJsonSchema: JSONValue?
    var responseLogprobs: Bool?
    var logprobs: Int?
    var thinkingConfig: GeminiThinkingConfig?

    var isEmpty: Bool { self == GeminiGenerationConfig() }
}

/// `ThinkingConfig`.
struct GeminiThinkingConfig: Codable, Sendable, Hashable {
    var thinkingBudget: Int?
    var includeThoughts: Bool?
}

/// `GenerateContentResponse`; in a stream, each event carries one. A stream may also carry an error
/// object instead.
struct GeminiResponse: Codable, Sendable, Hashable {
    var candidates: [GeminiCandidate]?
    var promptFeedback: GeminiPromptFeedback?
    var usageMetadata: GeminiUsageMetadata?
    var modelVersion: String?
    var responseId: String?
    var error: GeminiErrorBody?
}

/// `Candidate`.
struct GeminiCandidate: Codable, Sendable, Hashable {
    var content: GeminiContent?
    var finishReason: String?
    var index: Int?
    var logprobsResult: GeminiLogprobsResult?
}

/// `PromptFeedback`: set when the prompt itself was blocked (then there are no candidates).
struct GeminiPromptFeedback: Codable, Sendable, Hashable {
    var blockReason: String?
    var blockReasonMessage: String?
}

/// `UsageMetadata`. `candidatesTokenCount` excludes thinking, which is `thoughtsTokenCount`.
struct GeminiUsageMetadata: Codable, Sendable, Hashable {
    var promptTokenCount: Int?
    var candidatesTokenCount: Int?
    var totalTokenCount: Int?
    var cachedContentTokenCount: Int?
    var thoughtsTokenCount: Int?
    var toolUsePromptTokenCount: Int?
}

/// `LogprobsResult`: per decoding step, the chosen token and the top alternatives.
struct GeminiLogprobsResult: Codable, Sendable, Hashable {
    var topCandidates: [GeminiTopCandidates]?
    var chosenCandidates: [GeminiLogprobCandidate]?
}

/// `TopCandidates` of one decoding step.
struct GeminiTopCandidates: Codable, Sendable, Hashable {
    var candidates: [GeminiLogprobCandidate]?
}

/// One token with its log probability.
struct GeminiLogprobCandidate: Codable, Sendable, Hashable {
    var token: String?
    var tokenId: Int?
    var logProbability: Double?
}

/// Google's error shape: `{"error":{"code":429,"message":"...","status":"RESOURCE_EXHAUSTED","details":[...]}}`.
struct GeminiErrorEnvelope: Codable, Sendable, Hashable {
    var error: GeminiErrorBody
}

/// The `error` member of Google's error shape.
struct GeminiErrorBody: Codable, Sendable, Hashable {
    var code: Int?
    var message: String?
    var status: String?
    var details: [JSONValue]?
}
