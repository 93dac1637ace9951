/// Splits text into the words that byte-level BPE merges within, exactly as llama.cpp's
/// `unicode_regex_split` does for each `tokenizer.ggml.pre` value (regexes hand-implemented, no regex engine).
public struct PreTokenizer: Sendable, Equatable {
    /// The splitting rules of one pre-tokenizer family.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)` (GPT-2).
        case gpt2
        /// `\p{N}` first (every digit is its own word), then the GPT-2 regex (SmolLM, StarCoder).
        case smollm
        /// Llama 3: case-insensitive contractions, `[^\r\n\p{L}\p{N}]?\p{L}+`, `\p{N}{1,3}`,
        /// ` ?[^\s\p{L}\p{N}]+[\r\n]*`, `\s*[\r\n]+`, `\s+(?!\S)`, `\s+`.
        case llama3
        /// Qwen2 (and DeepSeek-R1-Distill-Qwen): the Llama 3 regex with `\p{N}` (single digits).
        case qwen2
    }

    /// Which rules apply.
    public let kind: Kind

    /// A pre-tokenizer of the given family.
    public init(kind: Kind) {
        self.kind = kind
    }

    /// The pre-tokenizer llama.cpp picks for a `tokenizer.ggml.pre` value, or nil if it is not supported here.
    public init?(ggufName: String) {
        switch ggufName {
        case "gpt2", "gpt-2", "phi-2", "mpt", "olmo", "jais", "exaone4":
            self.init(kind: .gpt2)
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b":
            self.init(kind: .smollm)
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "dbrx", "smaug-bpe", "chatglm-bpe", "glm4":
            self.init(kind: .llama3)
        case "qwen2", "deepseek-r1-qwen", "stablelm2", "megrez", "hunyuan", "kormo":
            self.init(kind: .qwen2)
        default:
            return nil
        }
    }

    /// Whether llama.cpp uses a whole word as one token when the vocabulary has it, skipping merges
    /// (`ignore_merges`, set for the Llama 3 family).
    public var ignoresMergesForWholeWords: Bool { kind == .llama3 }

    /// Splits `text` into words. Concatenating the result gives back `text`.
    public func split(_ text: String) -> [String] {
        let scalars: [UInt32] = text.unicodeScalars.map { (scalar: Unicode.Scalar) -> UInt32 in scalar.value }
        let ranges: [Range<Int>] = split(scalars: scalars)
        return ranges.map { (range: Range<Int>) -> String in
            var view: String.UnicodeScalarView = String.UnicodeScalarView()
            for index: Int in range { view.append(Unicode.Scalar(scalars[index])!) }
            return String(view)
        }
    }

    /// Splits code points into word ranges (indices into `scalars`), in order, covering everything.
    func split(scalars: [UInt32]) -> [Range<Int>] {
        var scanner: PreTokenizerScanner = PreTokenizerScanner(scalars: scalars)
        switch kind {
        case .gpt2:
            scanner.scanGPT2(0..<scalars.count)
        case .smollm:
            // `\p{N}` as a first regex: each number code point becomes its own segment; the GPT-2 rules then
            // run inside every segment, which ends the regex's input there.
            var segmentStart: Int = 0
            for index: Int in 0..<scalars.count where scanner.classes[index] == .number {
                if segmentStart < index { scanner.scanGPT2(segmentStart..<index) }
                scanner.scanGPT2(index..<(index + 1))
                segmentStart = index + 1
            }
            if segmentStart < scalars.count { scanner.scanGPT2(segmentStart..<scalars.count) }
        case .llama3:
            scanner.scanLlama3(0..<scalars.count, maxDigits: 3)
        case .qwen2:
            scanner.scanLlama3(0..<scalars.count, maxDigits: 1)
        }
        return scanner.words
    }
}
