extension Tokenizer {
    /// Builds the tokenizer stored in a GGUF file's metadata (`tokenizer.ggml.*`, `tokenizer.chat_template`).
    public init(gguf: GGUFFile) throws(TokenizerError) {
        try self.init(metadata: gguf.metadata)
    }

    /// Builds the tokenizer from GGUF metadata key/values.
    public init(metadata: [String: GGUFValue]) throws(TokenizerError) {
        let model: String = try Self.string(metadata, "tokenizer.ggml.model")
        guard model == "gpt2" else { throw TokenizerError.unsupportedModel(model) }
        let pre: String = metadata["tokenizer.ggml.pre"]?.stringValue ?? "default"
        guard let tokens: [String] = metadata["tokenizer.ggml.tokens"]?.stringArray else {
            if metadata["tokenizer.ggml.tokens"] == nil { throw TokenizerError.missingMetadata("tokenizer.ggml.tokens") }
            throw TokenizerError.invalidMetadata(key: "tokenizer.ggml.tokens", reason: "not an array of strings")
        }
        guard let merges: [String] = metadata["tokenizer.ggml.merges"]?.stringArray else {
            if metadata["tokenizer.ggml.merges"] == nil { throw TokenizerError.missingMetadata("tokenizer.ggml.merges") }
            throw TokenizerError.invalidMetadata(key: "tokenizer.ggml.merges", reason: "not an array of strings")
        }
        var types: [Int32]? = nil
        if let value: GGUFValue = metadata["tokenizer.ggml.token_type"] {
            guard let ints: [Int] = value.intArray else {
                throw TokenizerError.invalidMetadata(key: "tokenizer.ggml.token_type", reason: "not an array of integers")
            }
            types = ints.map { (raw: Int) -> Int32 in Int32(truncatingIfNeeded: raw) }
        }
        try self.init(
            tokens: tokens,
            tokenTypes: types,
            merges: merges,
            preTokenizer: pre,
            bosTokenID: try Self.tokenID(metadata, "tokenizer.ggml.bos_token_id", count: tokens.count),
            eosTokenID: try Self.tokenID(metadata, "tokenizer.ggml.eos_token_id", count: tokens.count),
            paddingTokenID: try Self.tokenID(metadata, "tokenizer.ggml.padding_token_id", count: tokens.count),
            addBOS: Self.bool(metadata["tokenizer.ggml.add_bos_token"]),
            addEOS: Self.bool(metadata["tokenizer.ggml.add_eos_token"]) ?? false,
            chatTemplate: metadata["tokenizer.chat_template"]?.stringValue
        )
    }

    private static func string(_ metadata: [String: GGUFValue], _ key: String) throws(TokenizerError) -> String {
        guard let value: GGUFValue = metadata[key] else { throw TokenizerError.missingMetadata(key) }
        guard let string: String = value.stringValue else {
            throw TokenizerError.invalidMetadata(key: key, reason: "not a string")
        }
        return string
    }

    /// An optional special-token id; ids outside the vocabulary are ignored, as llama.cpp does.
    private static func tokenID(_ metadata: [String: GGUFValue], _ key: String, count: Int) throws(TokenizerError)
        -> Int32?
    {
        guard let value: GGUFValue = metadata[key] else { return nil }
        guard let id: Int = value.intValue else {
            throw TokenizerError.invalidMetadata(key: key, reason: "not an integer")
        }
        return id >= 0 && id < count ? Int32(id) : nil
    }

    private static func bool(_ value: GGUFValue?) -> Bool? {
        guard let value: GGUFValue = value else { return nil }
        if case .bool(let flag) = value { return flag }
        return value.intValue.map { (number: Int) -> Bool in number != 0 }
    }
}
