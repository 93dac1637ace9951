/// How to choose each next token, and when to stop.
public struct SamplingParams: Sendable, Equatable {
    /// Softmax temperature; `0` means greedy (argmax).
    public var temperature: Float
    /// Keep only the `topK` most likely tokens (`0` = off).
    public var topK: Int
    /// Nucleus sampling: keep the smallest set whose probability reaches `topP` (`1` = off).
    public var topP: Float
    /// Drop tokens whose probability is below `minP` times the best one's (`0` = off).
    public var minP: Float
    /// OpenAI presence penalty: subtracted once from every token already generated.
    public var presencePenalty: Float
    /// OpenAI frequency penalty: subtracted per occurrence of a token already generated.
    public var frequencyPenalty: Float
    /// llama.cpp-style repetition penalty over the last `repeatLastN` tokens (`1` = off).
    public var repetitionPenalty: Float
    /// Window of recent tokens (prompt included) the repetition penalty looks at.
    public var repeatLastN: Int
    /// Seed for reproducible sampling; nil draws one from the system generator.
    public var seed: UInt64?
    /// Maximum tokens to generate (finish reason `.length` when reached).
    public var maxTokens: Int
    /// How many alternatives (by raw log-probability) to report with each token (0...20).
    public var topLogprobs: Int
    /// Extra token ids that end generation, besides the model's EOS/EOT tokens.
    public var extraEndTokens: Set<Int32>
    /// Keep generating past the model's end tokens (benchmarks).
    public var ignoreEndTokens: Bool

    public init(
        temperature: Float = 1.0, topK: Int = 0, topP: Float = 1.0, minP: Float = 0.0, presencePenalty: Float = 0,
        frequencyPenalty: Float = 0, repetitionPenalty: Float = 1.0, repeatLastN: Int = 64, seed: UInt64? = nil,
        maxTokens: Int = 256, topLogprobs: Int = 0, extraEndTokens: Set<Int32> = [], ignoreEndTokens: Bool = false
    ) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.repetitionPenalty = repetitionPenalty
        self.repeatLastN = repeatLastN
        self.seed = seed
        self.maxTokens = maxTokens
        self.topLogprobs = topLogprobs
        self.extraEndTokens = extraEndTokens
        self.ignoreEndTokens = ignoreEndTokens
    }

    /// Greedy decoding.
    public static let greedy: SamplingParams = SamplingParams(temperature: 0)
}
