/// One test a rule makes of the caller or the request. A rule matches when all its conditions hold.
public enum RuleCondition: Sendable, Hashable {
    /// The caller's tier is one of these.
    case tier(Set<String>)
    /// The caller's virtual key id is one of these.
    case key(Set<String>)
    /// The key's owner is one of these.
    case owner(Set<String>)
    /// The caller carries all of these tags (`sluice.tags`, or `metadata` as `name:value`).
    case tags(Set<String>)
    /// A numeric request feature lies in a range.
    case number(NumericFeature, ClosedRange<Double>)
    /// A yes/no request feature has this value.
    case flag(FlagFeature, Bool)

    /// Whether the condition holds.
    public func matches(_ caller: Caller, _ features: RequestFeatures) -> Bool {
        switch self {
        case .tier(let tiers): return tiers.contains(caller.tier)
        case .key(let keys): return caller.keyID.map(keys.contains) ?? false
        case .owner(let owners): return caller.owner.map(owners.contains) ?? false
        case .tags(let tags): return tags.isSubset(of: caller.tags)
        case .number(let feature, let range): return range.contains(feature.value(in: features))
        case .flag(let feature, let expected): return feature.value(in: features) == expected
        }
    }
}

/// The numeric request features a rule can test.
public enum NumericFeature: String, Sendable, Hashable, CaseIterable {
    /// Estimated tokens of everything sent.
    case promptTokens = "prompt_tokens"
    /// Estimated tokens of the conversation (without the system prompt).
    case conversationTokens = "conversation_tokens"
    /// Estimated tokens of the last user message.
    case lastMessageTokens = "last_message_tokens"
    /// User messages so far.
    case turns
    /// Messages of any role.
    case messages
    /// The share of CJK characters, 0...1.
    case cjkShare = "cjk_share"

    public func value(in features: RequestFeatures) -> Double {
        switch self {
        case .promptTokens: return Double(features.promptTokens)
        case .conversationTokens: return Double(features.conversationTokens)
        case .lastMessageTokens: return Double(features.lastUserTokens)
        case .turns: return Double(features.turns)
        case .messages: return Double(features.messageCount)
        case .cjkShare: return features.cjkShare
        }
    }
}

/// The yes/no request features a rule can test.
public enum FlagFeature: String, Sendable, Hashable, CaseIterable {
    case tools
    case json
    case images
    case reasoning

    public func value(in features: RequestFeatures) -> Bool {
        switch self {
        case .tools: return features.hasTools
        case .json: return features.wantsJSON
        case .images: return features.hasImages
        case .reasoning: return features.wantsReasoning
        }
    }
}
