/// `choices[].logprobs`: per-token log probabilities of the output.
public struct ChoiceLogprobs: Codable, Sendable, Hashable {
    public var content: [TokenLogprob]?
    public var refusal: [TokenLogprob]?

    public init(content: [TokenLogprob]?, refusal: [TokenLogprob]? = nil) {
        self.content = content
        self.refusal = refusal
    }
}

/// One output token with its log probability and the most likely alternatives.
public struct TokenLogprob: Codable, Sendable, Hashable {
    public var token: String
    public var logprob: Double
    public var bytes: [Int]?
    public var topLogprobs: [TopLogprob]

    public init(token: String, logprob: Double, bytes: [Int]?, topLogprobs: [TopLogprob]) {
        self.token = token
        self.logprob = logprob
        self.bytes = bytes
        self.topLogprobs = topLogprobs
    }

    private enum CodingKeys: String, CodingKey {
        case token, logprob, bytes, topLogprobs = "top_logprobs"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        token = try container.decode(String.self, forKey: .token)
        logprob = try container.decode(Double.self, forKey: .logprob)
        bytes = try container.decodeIfPresent([Int].self, forKey: .bytes)
        topLogprobs = try container.decodeIfPresent([TopLogprob].self, forKey: .topLogprobs) ?? []
    }
}

/// An alternative token at one position.
public struct TopLogprob: Codable, Sendable, Hashable {
    public var token: String
    public var logprob: Double
    public var bytes: [Int]?

    public init(token: String, logprob: Double, bytes: [Int]?) {
        self.token = token
        self.logprob = logprob
        self.bytes = bytes
    }
}
