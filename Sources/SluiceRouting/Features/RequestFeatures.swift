import SluiceAPI

/// The facts about one request that rules match on and the discriminator reads. Computed once per
/// request, without a tokenizer: token counts are estimates (see ``TextStats``).
public struct RequestFeatures: Sendable, Hashable {
    /// Estimated tokens of everything sent: system, conversation, tool definitions, schema.
    public var promptTokens: Int
    /// Estimated tokens of the conversation messages (user, assistant, tool), without the system prompt.
    public var conversationTokens: Int
    /// Estimated tokens of the last user message (the question being asked now).
    public var lastUserTokens: Int
    /// The number of user messages.
    public var turns: Int
    /// The number of messages of any role.
    public var messageCount: Int
    /// Whether tools are declared.
    public var hasTools: Bool
    /// Whether JSON output was requested (`response_format` of `json_object` or `json_schema`).
    public var wantsJSON: Bool
    /// Whether any message carries an image.
    public var hasImages: Bool
    /// Whether reasoning was requested (`reasoning_effort` other than `none`, or `sluice.thinking`).
    public var wantsReasoning: Bool
    /// The share of CJK characters among the letters of the conversation, 0...1.
    public var cjkShare: Double
    /// The text of the last user message (what the discriminator's n-grams are taken from), capped at
    /// ``RequestFeatures/maxQuestionCharacters`` characters.
    public var question: String
    /// The system prompt's text, capped the same way.
    public var system: String

    /// Characters of the question and system prompt kept for the discriminator.
    public static let maxQuestionCharacters = 2_000

    public init(
        promptTokens: Int = 0, conversationTokens: Int = 0, lastUserTokens: Int = 0, turns: Int = 0,
        messageCount: Int = 0, hasTools: Bool = false, wantsJSON: Bool = false, hasImages: Bool = false,
        wantsReasoning: Bool = false, cjkShare: Double = 0, question: String = "", system: String = ""
    ) {
        self.promptTokens = promptTokens
        self.conversationTokens = conversationTokens
        self.lastUserTokens = lastUserTokens
        self.turns = turns
        self.messageCount = messageCount
        self.hasTools = hasTools
        self.wantsJSON = wantsJSON
        self.hasImages = hasImages
        self.wantsReasoning = wantsReasoning
        self.cjkShare = cjkShare
        self.question = question
        self.system = system
    }

    /// The features of a canonical request.
    public init(_ request: ChatRequest) {
        self.init(messages: request.messages)
        var extra = 0
        if let tools = request.tools {
            hasTools = !tools.isEmpty
            for tool in tools {
                extra += 8 + TextStats(tool.function.name).estimatedTokens
                    + TextStats(tool.function.description ?? "").estimatedTokens
                if let parameters = tool.function.parameters { extra += parameters.estimatedTokens }
            }
        }
        switch request.responseFormat {
        case .jsonObject?:
            wantsJSON = true
        case .jsonSchema(let schema)?:
            wantsJSON = true
            extra += schema.schema?.estimatedTokens ?? 0
        default:
            break
        }
        promptTokens += extra
        if let effort = request.reasoningEffort, effort != "none" { wantsReasoning = true }
        if let thinking = request.sluice?["thinking"] {
            if case .bool(let on) = thinking { wantsReasoning = on } else if thinking != .null { wantsReasoning = true }
        }
    }

    /// The features of a list of messages alone (no tools, formats, or reasoning settings).
    public init(messages: [ChatMessage]) {
        self.init()
        messageCount = messages.count
        var letters = 0
        var cjk = 0
        var lastUser: String?
        for message in messages {
            let text = message.content?.text ?? ""
            let stats = TextStats(text)
            let tokens = 4 + stats.estimatedTokens
                + (message.toolCalls ?? []).reduce(0) { $0 + 8 + TextStats($1.function.arguments).estimatedTokens }
            promptTokens += tokens
            letters += stats.letters
            cjk += stats.cjkCharacters
            if message.content?.hasImage == true { hasImages = true }
            switch message.role {
            case .system, .developer:
                if system.isEmpty { system = String(text.prefix(Self.maxQuestionCharacters)) }
            case .user:
                turns += 1
                lastUser = text
                lastUserTokens = stats.estimatedTokens
                conversationTokens += tokens
            default:
                conversationTokens += tokens
            }
        }
        cjkShare = letters == 0 ? 0 : Double(cjk) / Double(letters)
        question = String((lastUser ?? "").prefix(Self.maxQuestionCharacters))
    }
}
