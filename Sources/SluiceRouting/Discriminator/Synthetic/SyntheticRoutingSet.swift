import SluiceAPI

/// A seeded generator of labelled routing examples with a known rule, for tests, benchmarks and demos
/// (`sluice router synth`). It is not training data for production: train on labels from real traffic.
///
/// The rule (``needsStrong(_:)``): a request needs the strong model when its last user message asks
/// for hard reasoning (it holds one of ``hardWords``, such as *prove*, *derive*, *optimize*, 证明 or
/// 推导), holds a fenced code block, or ends a conversation of ``longConversationTurns`` or more user
/// turns. Everything else (chit-chat, simple facts, and easy questions that merely mention maths or
/// code) does not. Questions are in English or Chinese, with varied fillers, names and numbers; some
/// requests have a system prompt, tools, JSON output or a reasoning setting, none of which matter to
/// the rule. A share ``labelNoise`` of the labels is flipped.
public struct SyntheticRoutingSet: Sendable {
    /// The seed: the same seed and settings give the same examples.
    public var seed: UInt64
    /// The share of labels flipped, 0...1.
    public var labelNoise: Double
    /// The share of examples in Chinese, 0...1.
    public var chineseShare: Double

    /// User turns from which a conversation needs the strong model.
    public static let longConversationTurns = 6

    /// A generator; 3% label noise and 30% Chinese by default.
    public init(seed: UInt64 = 7, labelNoise: Double = 0.03, chineseShare: Double = 0.3) {
        self.seed = seed
        self.labelNoise = labelNoise
        self.chineseShare = chineseShare
    }

    /// `count` examples, labelled by the rule with ``labelNoise`` of the labels flipped.
    public func examples(count: Int) -> [TrainingExample] {
        var random = SplitMix64(seed: seed)
        return (0..<max(count, 0)).map { _ in
            let request = Self.request(&random, chinese: random.chance(chineseShare))
            let rule = Self.needsStrong(RequestFeatures(request))
            return TrainingExample(request: request, needsStrong: random.chance(labelNoise) ? !rule : rule)
        }
    }

    /// Writes `count` examples as a JSONL file that ``TrainingData/load(path:)`` reads.
    public func write(count: Int, to path: String) throws(TrainingDataError) {
        try TrainingData.write(examples(count: count), to: path)
    }

    /// The rule without noise: whether the strong model is needed.
    public static func needsStrong(_ features: RequestFeatures) -> Bool {
        if features.turns >= longConversationTurns { return true }
        let lowered = features.question.lowercased()
        let bytes = Array(lowered.utf8)
        if Self.contains(bytes, Array("```".utf8)) { return true }
        for word in Phrases.chineseHardWords where Self.contains(bytes, Array(word.utf8)) { return true }
        let words = lowered.split { !$0.isLetter && !$0.isNumber }
        return words.contains { Phrases.englishHardWords.contains(String($0)) }
    }

    /// Whether `needle` occurs in `text` (byte-wise; Foundation's `contains` is slow on Linux).
    private static func contains(_ text: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, text.count >= needle.count else { return needle.isEmpty }
        for start in 0...(text.count - needle.count) where text[start] == needle[0] {
            if text[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }

    /// The words that make a question hard, English and Chinese.
    public static var hardWords: [String] { Phrases.englishHardWords.sorted() + Phrases.chineseHardWords }

    /// One request: history, question, and the odd system prompt, tool or format.
    private static func request(_ random: inout SplitMix64, chinese: Bool) -> ChatRequest {
        let phrases = chinese ? Phrases.chinese : Phrases.english
        let turns = random.chance(0.7) ? 1 : 2 + random.below(8)
        var messages: [ChatMessage] = []
        if random.chance(0.5) { messages.append(.text(.system, random.pick(Phrases.systemPrompts))) }
        for _ in 1..<turns {
            messages.append(.text(.user, phrases.fill(random.pick(phrases.easy), &random)))
            messages.append(.text(.assistant, phrases.fill(random.pick(phrases.replies), &random)))
        }
        messages.append(.text(.user, phrases.question(&random)))
        var request = ChatRequest(model: TrainingData.placeholderModel, messages: messages)
        if random.chance(0.08) { request.tools = [Phrases.weatherTool] }
        if random.chance(0.08) { request.responseFormat = .jsonObject }
        if random.chance(0.05) { request.reasoningEffort = random.pick(["low", "medium", "high"]) }
        return request
    }
}
