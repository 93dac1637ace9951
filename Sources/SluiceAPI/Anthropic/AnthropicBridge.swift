import Foundation

/// Translates between the Anthropic Messages API (spoken by clients of `POST /v1/messages`) and the
/// canonical Chat Completions types, so that any backend can answer an Anthropic client.
///
/// Mapping decisions:
/// - `system` (a string or text blocks) becomes one leading `system` message (text parts when there are
///   several blocks); `cache_control` markers have no canonical form and are dropped.
/// - A user turn's `tool_result` blocks become one `tool` message each, in order, placed before the rest
///   of that turn's content (Chat Completions wants tool answers right after the assistant's calls).
///   `is_error: true` is kept as an `Error: ` prefix on the result text, as Chat Completions has no flag.
/// - An assistant turn's `tool_use` blocks become `tool_calls` (the `input` object as JSON arguments),
///   its `thinking` blocks become `reasoning_content`; `redacted_thinking` has no canonical form and is dropped.
/// - Images become `image_url` parts; base64 sources become `data:` URLs.
/// - `thinking: {type: enabled, budget_tokens: N}` becomes `reasoning_effort` (N ≤ 2048: `low`,
///   N ≤ 8192: `medium`, larger: `high`) and the exact budget is kept in the Sluice extension as
///   `sluice.thinking_budget_tokens`, which the Anthropic provider honours. `disabled` becomes `none`.
/// - `tool_choice` `any` → `required`, `tool` → the named function, `none` → `none`;
///   `disable_parallel_tool_use: true` → `parallel_tool_calls: false`.
/// - `stop_sequences` → `stop`, `metadata.user_id` → `user`, `top_k` → the pass-through member `top_k`.
/// - Finish reasons: `stop` → `end_turn` (or `stop_sequence` when the message carries the matched
///   sequence as `stop_sequence`, which the Anthropic provider records), `length` → `max_tokens`,
///   `tool_calls` → `tool_use`, `content_filter` → `refusal`.
/// - Usage: `input_tokens = prompt_tokens − cached − cache writes`, `cache_read_input_tokens = cached`,
///   `cache_creation_input_tokens = cache writes`.
public enum AnthropicBridge {
    /// The Sluice extension member that carries an exact thinking budget.
    public static let thinkingBudgetKey = "thinking_budget_tokens"

    /// The Anthropic error body for an error Sluice returns. The type follows the status, except that a
    /// specific Anthropic type already on the error (an Anthropic upstream's `overloaded_error` or
    /// `billing_error`, say) is kept. `invalid_request_error`, which OpenAI also uses for 404s and 413s,
    /// always follows the status.
    public static func errorBody(for error: APIError) -> AnthropicErrorBody {
        let keep = error.type != "invalid_request_error" && AnthropicErrorBody.status(forErrorType: error.type) != nil
        let type = keep ? error.type : AnthropicErrorBody.errorType(forStatus: error.status)
        return AnthropicErrorBody(type: type, message: error.message)
    }

    /// The Anthropic stop reason for a canonical finish reason. A `stop` becomes `stop_sequence` when the
    /// matched sequence is known.
    public static func stopReason(for finishReason: FinishReason?, stopSequence: String? = nil) -> AnthropicStopReason {
        switch finishReason {
        case .length?: return .maxTokens
        case .toolCalls?, "function_call"?: return .toolUse
        case .contentFilter?: return .refusal
        default: return stopSequence == nil ? .endTurn : .stopSequence
        }
    }

    /// The `reasoning_effort` closest to a thinking budget.
    public static func reasoningEffort(forBudget budget: Int) -> String {
        switch budget {
        case ...2048: "low"
        case ...8192: "medium"
        default: "high"
        }
    }

    /// A JSON value as compact JSON text with sorted keys.
    static func jsonText(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Tool-call arguments parsed as a JSON object, or `nil` when they are not one.
    static func jsonObject(_ text: String) -> JSONValue? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .object([:]) }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8)),
            case .object = value
        else { return nil }
        return value
    }
}
