/// Why a tokenizer could not be built from a vocabulary or a GGUF file.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `tokenizer.ggml.model` names a tokenizer other than byte-level BPE (`gpt2`).
    case unsupportedModel(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer this engine does not implement.
    case unsupportedPreTokenizer(String)
    /// A required metadata key is absent.
    case missingMetadata(String)
    /// A metadata key has the wrong type or shape.
    case invalidMetadata(key: String, reason: String)
    /// A special-token id is outside the vocabulary.
    case specialTokenOutOfRange(key: String, id: Int, vocabularySize: Int)

    public var description: String {
        switch self {
        case .unsupportedModel(let name):
            return "unsupported tokenizer model '\(name)': only byte-level BPE ('gpt2') is implemented"
        case .unsupportedPreTokenizer(let name):
            return "unsupported pre-tokenizer '\(name)': supported are "
                + "gpt2, smollm, llama3 (llama-bpe), qwen2 (deepseek-r1-qwen) and their aliases"
        case .missingMetadata(let key):
            return "the model file has no '\(key)' metadata"
        case .invalidMetadata(let key, let reason):
            return "invalid metadata '\(key)': \(reason)"
        case .specialTokenOutOfRange(let key, let id, let size):
            return "'\(key)' = \(id) is outside the vocabulary of \(size) tokens"
        }
    }
}
