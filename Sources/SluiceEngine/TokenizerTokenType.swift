/// The kind of a vocabulary entry, as stored in GGUF `tokenizer.ggml.token_type` (llama.cpp's
/// `llama_token_type`).
public enum TokenizerTokenType: Int32, Sendable, Equatable {
    case undefined = 0
    /// Ordinary text, written in the byte-level alphabet.
    case normal = 1
    case unknown = 2
    /// A control token such as `<|im_start|>`: matched in text only when parsing special tokens, and
    /// hidden when decoding without special tokens.
    case control = 3
    /// An added token that is always matched as a whole in text and decodes to its literal text.
    case userDefined = 4
    case unused = 5
    case byte = 6

    /// Whether the token is matched as a whole before BPE (llama.cpp's special-token cache).
    var isSpecial: Bool { self == .control || self == .userDefined || self == .unknown }

    /// Whether the token is hidden unless special tokens are requested (control and unknown).
    var isHiddenUnlessSpecial: Bool { self == .control || self == .unknown }
}
