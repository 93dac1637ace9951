import Synchronization
import SluiceEngine

/// A model's ``JSONVocabulary`` (the token trie constrained decoding walks), built on first use and
/// shared by every later request to that model.
final class LocalVocabulary: Sendable {
    private let tokenizer: Tokenizer
    private let endTokens: Set<Int32>
    private let built: Mutex<JSONVocabulary?> = Mutex(nil)

    init(tokenizer: Tokenizer, endTokens: Set<Int32>) {
        self.tokenizer = tokenizer
        self.endTokens = endTokens
    }

    /// The vocabulary, built now if no request needed it before.
    var vocabulary: JSONVocabulary {
        built.withLock { (built: inout JSONVocabulary?) -> JSONVocabulary in
            if let built { return built }
            let vocabulary = JSONVocabulary(tokenizer: tokenizer, endTokens: endTokens)
            built = vocabulary
            return vocabulary
        }
    }
}
