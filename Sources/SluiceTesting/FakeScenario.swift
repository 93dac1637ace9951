/// What a fake upstream does, chosen by the text of the last user message, so one fake server can
/// play every case a test needs. Every fake (OpenAI-compatible, Anthropic, Gemini) honours the same
/// prefixes, each in its own provider's wire format:
///
/// | last user message starts with | the fake answers with |
/// |---|---|
/// | `call:` | a call of the first declared tool with arguments ``toolArguments`` (streamed in 3+ fragments) |
/// | `call2:` | two parallel calls of the first tool (`Paris`, then `Tokyo`) |
/// | `think:` | reasoning text ``reasoningText``, then the answer ``reasoningAnswer`` |
/// | `json:` | the JSON document ``jsonAnswer`` as content |
/// | `error:NNN` | an error response with status NNN in the provider's error shape (429 carries `Retry-After: 7`) |
/// | `midfail:` | a stream that sends some content and then breaks the connection |
/// | `slow:` | 200 content fragments, 20 ms apart (for cancellation tests) |
/// | `long:` | content cut by the token limit (`length` finish reason) |
/// | anything else | the text `Echo: ` + the message, in 2+ fragments when streamed |
///
/// Usage is always reported: prompt tokens are the character count of all message text divided by 4
/// (at least 1), completion tokens are 7, and cached prompt tokens are 3 when the prompt has more than
/// 12 tokens.
public enum FakeScenario: Sendable, Hashable {
    case echo(String)
    case toolCall
    case parallelToolCalls
    case reasoning
    case json
    case error(Int)
    case midStreamFailure
    case slowStream
    case truncated

    /// The scenario named by a user message.
    public static func parse(_ text: String) -> FakeScenario {
        if text.hasPrefix("call2:") { return .parallelToolCalls }
        if text.hasPrefix("call:") { return .toolCall }
        if text.hasPrefix("think:") { return .reasoning }
        if text.hasPrefix("json:") { return .json }
        if text.hasPrefix("midfail:") { return .midStreamFailure }
        if text.hasPrefix("slow:") { return .slowStream }
        if text.hasPrefix("long:") { return .truncated }
        if text.hasPrefix("error:"), let status = Int(text.dropFirst(6).prefix(3)) { return .error(status) }
        return .echo(text)
    }

    /// The arguments of a single tool call, as a JSON string.
    public static let toolArguments = #"{"city":"Paris","unit":"celsius"}"#
    /// Arguments of the parallel calls, in order.
    public static let parallelArguments = [#"{"city":"Paris"}"#, #"{"city":"Tokyo"}"#]
    /// The reasoning text of `think:`.
    public static let reasoningText = "Let me think step by step. 6 times 7 is 42."
    /// The answer after the reasoning of `think:`.
    public static let reasoningAnswer = "The answer is 42."
    /// The content of `json:`.
    public static let jsonAnswer = #"{"answer":42,"city":"Paris","tags":["a","b"]}"#
    /// The content of `long:`.
    public static let truncatedText = "This answer was cut"
    /// Completion tokens reported for every answer.
    public static let completionTokens = 7
    /// Reasoning tokens reported for `think:`.
    public static let reasoningTokens = 5

    /// Prompt tokens the fakes report for a prompt of this many characters.
    public static func promptTokens(characters: Int) -> Int { max(1, characters / 4) }
    /// Cached prompt tokens the fakes report for this many prompt tokens.
    public static func cachedTokens(promptTokens: Int) -> Int { promptTokens > 12 ? 3 : 0 }

    /// Splits text into `parts` pieces (at least one), for streaming it in fragments.
    public static func fragments(_ text: String, parts: Int = 3) -> [String] {
        let characters = Array(text)
        guard characters.count > 1 else { return [text] }
        let size = max(1, (characters.count + parts - 1) / parts)
        return stride(from: 0, to: characters.count, by: size).map {
            String(characters[$0..<min($0 + size, characters.count)])
        }
    }
}
