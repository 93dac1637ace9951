import SluiceAPI

/// Whether a local reasoning model thinks, and for how many tokens.
///
/// The switch: `enable_thinking` (top level, or in `chat_template_kwargs` as vLLM takes it) wins;
/// otherwise `reasoning_effort: "none"` turns thinking off and any other effort turns it on; otherwise the
/// template's default holds. Templates get `enable_thinking` as a variable (Qwen3 reads it).
///
/// The budget, in reasoning tokens: `thinking_budget` (DashScope's name), else the exact budget of an
/// Anthropic `thinking: {type: enabled, budget_tokens: N}` (carried as `sluice.thinking_budget_tokens`),
/// else `reasoning_effort`: `minimal` 256, `low` 1024, `medium` 4096; `high` and `xhigh` think without a
/// budget (up to `max_tokens`). After the budget the engine closes the thought (see ``ThinkingBudgetSteering``).
struct LocalThinking: Sendable, Equatable {
    /// `enable_thinking` for the template, or nil to leave the template's default.
    var enabled: Bool?
    /// The reasoning-token budget, or nil for none.
    var budget: Int?

    /// Budgets for `reasoning_effort` values that have one.
    static let effortBudgets: [String: Int] = ["minimal": 256, "low": 1024, "medium": 4096]

    /// The plan for a request; a malformed `thinking_budget` or `enable_thinking` is a 400 naming it.
    static func plan(_ request: ChatRequest) throws(ProviderError) -> LocalThinking {
        var plan = LocalThinking()
        let kwargs = request.extra["chat_template_kwargs"]?.objectValue
        if let value = request.extra["enable_thinking"] ?? kwargs?["enable_thinking"] {
            guard case .bool(let enabled) = value else {
                throw .badRequest(.invalidRequest("'enable_thinking' must be a boolean.", param: "enable_thinking", code: "invalid_type"))
            }
            plan.enabled = enabled
        } else if let effort = request.reasoningEffort {
            plan.enabled = effort != "none"
        }
        if let value = request.extra["thinking_budget"] {
            guard let budget = value.intValue, budget >= 0 else {
                throw .badRequest(
                    .invalidRequest(
                        "'thinking_budget' must be a non-negative integer (reasoning tokens).", param: "thinking_budget",
                        code: "invalid_value"))
            }
            plan.budget = budget
        } else if let exact = request.sluice?[AnthropicBridge.thinkingBudgetKey]?.intValue {
            plan.budget = max(0, exact)
        } else if let effort = request.reasoningEffort {
            plan.budget = effortBudgets[effort]
        }
        if plan.enabled == false { plan.budget = nil }
        return plan
    }

    /// Whether a template knows thoughts (it mentions `<think>` or `</think>`).
    static func templateThinks(_ source: String) -> Bool {
        source.contains("<think>") || source.contains("</think>")
    }

    /// Whether a rendered prompt leaves the thought open (its generation prompt ends with `<think>`,
    /// as DeepSeek-R1's and QwQ's do).
    static func promptOpensThought(_ prompt: String) -> Bool {
        LocalOutputParser.trimmingTrailingWhitespace(Substring(prompt)).hasSuffix("<think>")
    }

    /// Applies the switch to a rendered prompt and says whether the output starts inside the thought.
    ///
    /// With thinking off, a thought the prompt opened is closed right away, and a template that knows
    /// thoughts but did not write an empty one gets `<think>\n\n</think>\n\n` — what Qwen3's template
    /// writes for `enable_thinking: false`.
    func adjust(prompt: inout String, templateSource: String) -> Bool {
        let opens = Self.promptOpensThought(prompt)
        guard enabled == false else { return opens }
        if opens {
            prompt = String(LocalOutputParser.trimmingTrailingWhitespace(Substring(prompt))) + "\n\n</think>\n\n"
        } else if Self.templateThinks(templateSource),
            !LocalOutputParser.trimmingTrailingWhitespace(Substring(prompt)).hasSuffix("</think>")
        {
            prompt += "<think>\n\n</think>\n\n"
        }
        return false
    }
}
