/// A byte-level BPE tokenizer (GGUF `tokenizer.ggml.model = "gpt2"`) that reproduces llama.cpp's
/// tokenization: special-token partition, the model's pre-tokenizer regex, then BPE merges by rank.
///
/// Immutable and `Sendable`; share one instance freely across tasks.
public struct Tokenizer: Sendable {
    /// Vocabulary strings, indexed by token id (byte-level alphabet for normal tokens).
    public let tokens: [String]
    /// The kind of each token.
    public let tokenTypes: [TokenizerTokenType]
    /// The pre-tokenizer splitting text into words.
    public let preTokenizer: PreTokenizer
    /// Beginning-of-sequence token, if the model has one.
    public let bosTokenID: Int32?
    /// End-of-sequence token, if the model has one.
    public let eosTokenID: Int32?
    /// Padding token, if the model has one.
    public let paddingTokenID: Int32?
    /// Whether `encode(_:addSpecial:parseSpecial:)` with `addSpecial` prepends BOS (`add_bos_token`).
    public let addBOS: Bool
    /// Whether `encode(_:addSpecial:parseSpecial:)` with `addSpecial` appends EOS (`add_eos_token`).
    public let addEOS: Bool
    /// Tokens that end generation, chosen like llama.cpp (`special_eog_ids`): EOS plus tokens whose text is
    /// one of the known end-of-turn markers (`<|im_end|>`, `<|eot_id|>`, `<|endoftext|>`, …).
    public let endOfGenerationIDs: Set<Int32>
    /// The Jinja chat template embedded in the model (`tokenizer.chat_template`), if any.
    public let chatTemplate: String?

    private let tokenToID: [String: Int32]
    private let pieces: [[UInt8]]
    private let bpe: TokenizerBPE
    private let specialSplitter: TokenizerSpecialSplitter

    /// Builds a tokenizer from raw vocabulary arrays.
    ///
    /// - Parameters:
    ///   - tokens: vocabulary strings by id (`tokenizer.ggml.tokens`).
    ///   - tokenTypes: `tokenizer.ggml.token_type` values (1 normal, 3 control, 4 user-defined, …); nil means
    ///     all normal.
    ///   - merges: `tokenizer.ggml.merges` lines ("left right"), highest priority first.
    ///   - preTokenizer: the `tokenizer.ggml.pre` name (`smollm`, `qwen2`, `llama-bpe`, `gpt2`, …).
    ///   - bosTokenID / eosTokenID / paddingTokenID: special ids, if the model has them.
    ///   - addBOS: whether BOS is added with `addSpecial`; nil picks llama.cpp's default for the pre-tokenizer.
    ///   - addEOS: whether EOS is added with `addSpecial`.
    ///   - chatTemplate: the model's Jinja chat template, if any.
    public init(
        tokens: [String],
        tokenTypes: [Int32]? = nil,
        merges: [String],
        preTokenizer: String,
        bosTokenID: Int32? = nil,
        eosTokenID: Int32? = nil,
        paddingTokenID: Int32? = nil,
        addBOS: Bool? = nil,
        addEOS: Bool = false,
        chatTemplate: String? = nil
    ) throws(TokenizerError) {
        guard let pre: PreTokenizer = PreTokenizer(ggufName: preTokenizer) else {
            throw TokenizerError.unsupportedPreTokenizer(preTokenizer)
        }
        if let types: [Int32] = tokenTypes, types.count != tokens.count {
            throw TokenizerError.invalidMetadata(
                key: "tokenizer.ggml.token_type",
                reason: "\(types.count) entries for \(tokens.count) tokens")
        }
        for (key, id): (String, Int32?) in [
            ("tokenizer.ggml.bos_token_id", bosTokenID), ("tokenizer.ggml.eos_token_id", eosTokenID),
            ("tokenizer.ggml.padding_token_id", paddingTokenID),
        ] {
            if let id: Int32 = id, id < 0 || Int(id) >= tokens.count {
                throw TokenizerError.specialTokenOutOfRange(key: key, id: Int(id), vocabularySize: tokens.count)
            }
        }

        // Vocabulary: empty entries get llama.cpp's placeholder; later duplicates win the lookup.
        var strings: [String] = tokens
        var lookup: [String: Int32] = [:]
        lookup.reserveCapacity(tokens.count)
        for index: Int in strings.indices {
            if strings[index].isEmpty { strings[index] = "[EMPTY_\(index)]" }
            lookup[strings[index]] = Int32(index)
        }
        var types: [TokenizerTokenType] = (tokenTypes ?? Array(repeating: 1, count: tokens.count)).map {
            (raw: Int32) -> TokenizerTokenType in TokenizerTokenType(rawValue: raw) ?? .undefined
        }

        // End-of-generation tokens, found by text like llama.cpp; such tokens are forced to control type.
        var endOfGeneration: Set<Int32> = []
        for id: Int32 in Self.endOfGenerationCandidates(lookup) {
            endOfGeneration.insert(id)
            if types[Int(id)] != .control { types[Int(id)] = .control }
        }
        if let eos: Int32 = eosTokenID { endOfGeneration.insert(eos) }

        self.tokens = strings
        self.tokenTypes = types
        self.tokenToID = lookup
        self.preTokenizer = pre
        self.bosTokenID = bosTokenID
        self.eosTokenID = eosTokenID
        self.paddingTokenID = paddingTokenID
        self.addBOS = addBOS ?? (pre.kind == .llama3)
        self.addEOS = addEOS
        self.chatTemplate = chatTemplate
        self.endOfGenerationIDs = endOfGeneration
        self.pieces = zip(strings, types).map { (text: String, type: TokenizerTokenType) -> [UInt8] in
            switch type {
            case .control, .unknown, .userDefined: return Array(text.utf8)
            case .normal: return TokenizerByteLevel.decode(text) ?? Array(text.utf8)
            default: return []
            }
        }
        self.bpe = TokenizerBPE(vocabularySize: strings.count, tokenToID: lookup, merges: merges)
        var specials: [TokenizerSpecialSplitter.Entry] = []
        for (index, type): (Int, TokenizerTokenType) in types.enumerated() where type.isSpecial {
            specials.append(
                TokenizerSpecialSplitter.Entry(
                    id: Int32(index), bytes: Array(strings[index].utf8),
                    onlyWhenParsingSpecial: type.isHiddenUnlessSpecial))
        }
        self.specialSplitter = TokenizerSpecialSplitter(entries: specials)
    }

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { tokens.count }

    /// The id of a vocabulary string (byte-level alphabet for normal tokens, literal text for special ones).
    public func tokenID(for text: String) -> Int32? { tokenToID[text] }

    /// Whether generating `id` ends the turn.
    public func isEndOfGeneration(_ id: Int32) -> Bool { endOfGenerationIDs.contains(id) }

    /// The kind of token `id` (`.undefined` when out of range).
    public func tokenType(_ id: Int32) -> TokenizerTokenType {
        id >= 0 && Int(id) < tokenTypes.count ? tokenTypes[Int(id)] : .undefined
    }

    /// Tokenizes text like `llama_tokenize`.
    ///
    /// - Parameters:
    ///   - text: the text.
    ///   - addSpecial: add BOS / EOS when the model asks for them (`addBOS`, `addEOS`).
    ///   - parseSpecial: match control tokens such as `<|im_start|>` written in the text. User-defined tokens
    ///     are matched either way, as in llama.cpp.
    public func encode(_ text: String, addSpecial: Bool = false, parseSpecial: Bool = true) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 3 + 2)
        if addSpecial && addBOS, let bos: Int32 = bosTokenID { output.append(bos) }
        var utf8: [UInt8] = Array(text.utf8)
        utf8.withUnsafeMutableBufferPointer { (mutable: inout UnsafeMutableBufferPointer<UInt8>) -> Void in
            let bytes: UnsafeBufferPointer<UInt8> = UnsafeBufferPointer(mutable)
            for fragment: TokenizerSpecialSplitter.Fragment in specialSplitter.split(bytes, parseSpecial: parseSpecial) {
                switch fragment {
                case .token(let id):
                    output.append(id)
                case .text(let range):
                    encodeText(UnsafeBufferPointer(rebasing: bytes[range]), into: &output)
                }
            }
        }
        if addSpecial && addEOS, let eos: Int32 = eosTokenID { output.append(eos) }
        return output
    }

    /// Pre-tokenizes and BPE-encodes text that contains no special tokens.
    private func encodeText(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        let text: String = String(decoding: bytes, as: UTF8.self)
        let scalars: [UInt32] = text.unicodeScalars.map { (scalar: Unicode.Scalar) -> UInt32 in scalar.value }
        let words: [Range<Int>] = preTokenizer.split(scalars: scalars)
        var wordBytes: [UInt8] = []
        wordBytes.reserveCapacity(64)
        for word: Range<Int> in words {
            wordBytes.removeAll(keepingCapacity: true)
            for index: Int in word {
                Self.appendUTF8(scalars[index], to: &wordBytes)
            }
            if preTokenizer.ignoresMergesForWholeWords,
                let whole: Int32 = tokenToID[TokenizerByteLevel.encode(wordBytes)]
            {
                output.append(whole)
                continue
            }
            wordBytes.withUnsafeBufferPointer { (pointer: UnsafeBufferPointer<UInt8>) -> Void in
                bpe.encode(word: pointer, into: &output)
            }
        }
    }

    /// The bytes token `id` stands for (`token_to_piece`). Control and unknown tokens give their text only when
    /// `includeSpecial` is true; out-of-range ids give no bytes.
    public func pieceBytes(_ id: Int32, includeSpecial: Bool = true) -> [UInt8] {
        guard id >= 0, Int(id) < pieces.count else { return [] }
        if !includeSpecial && tokenTypes[Int(id)].isHiddenUnlessSpecial { return [] }
        return pieces[Int(id)]
    }

    /// The raw bytes of a token sequence, concatenated (no space clean-up).
    public func decodeBytes(_ ids: [Int32], includeSpecial: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        for id: Int32 in ids { bytes.append(contentsOf: pieceBytes(id, includeSpecial: includeSpecial)) }
        return bytes
    }

    /// The text of a token sequence. Invalid UTF-8 (a sequence cut mid-character) becomes U+FFFD; use
    /// `UTF8StreamDecoder` when decoding token by token.
    public func decode(_ ids: [Int32], includeSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(ids, includeSpecial: includeSpecial), as: UTF8.self)
    }

    @inline(__always)
    private static func appendUTF8(_ value: UInt32, to bytes: inout [UInt8]) {
        switch value {
        case 0..<0x80:
            bytes.append(UInt8(value))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | (value >> 6)))
            bytes.append(UInt8(0x80 | (value & 0x3F)))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | (value >> 12)))
            bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (value & 0x3F)))
        default:
            bytes.append(UInt8(0xF0 | (value >> 18)))
            bytes.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (value & 0x3F)))
        }
    }

    /// Token texts llama.cpp treats as end of generation (EOT/EOG and FIM pad/repo/separator markers).
    private static let endOfGenerationTexts: [String] = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>",
        "<|end_of_text|>", "<end_of_utterance>", "<｜end▁of▁sentence｜>",
    ]
    private static let fimEndTexts: [[String]] = [
        ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>"],
        ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"],
        ["<|file_sep|>"],
    ]

    private static func endOfGenerationCandidates(_ lookup: [String: Int32]) -> [Int32] {
        var ids: [Int32] = endOfGenerationTexts.compactMap { (text: String) -> Int32? in lookup[text] }
        for group: [String] in fimEndTexts {
            if let id: Int32 = group.compactMap({ (text: String) -> Int32? in lookup[text] }).min() { ids.append(id) }
        }
        return ids
    }
}
