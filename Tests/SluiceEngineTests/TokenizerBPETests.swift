import Testing

@testable import SluiceEngine

/// BPE semantics on tiny hand-made vocabularies (byte-level alphabet: "Ġ" is a space).
@Suite struct TokenizerBPETests {
    /// Single characters a…e, Ġ and a few merged tokens.
    private func tokenizer(merges: [String], extra: [String] = [], types: [Int32]? = nil, pre: String = "gpt2")
        throws -> Tokenizer
    {
        let base: [String] = ["a", "b", "c", "d", "e", "Ġ", "ab", "bc", "abc", "Ġa", "cd"]
        return try Tokenizer(tokens: base + extra, tokenTypes: types, merges: merges, preTokenizer: pre)
    }

    @Test func lowerRankMergesFirst() throws {
        // "a b" outranks "b c": abc → ab + c → abc
        let first: Tokenizer = try tokenizer(merges: ["a b", "b c", "ab c"])
        #expect(first.encode("abc") == [8])
        // "b c" outranks "a b": abc → a + bc, and there is no "a bc" merge
        let second: Tokenizer = try tokenizer(merges: ["b c", "a b", "ab c"])
        #expect(second.encode("abc") == [0, 7])
    }

    @Test func equalRanksMergeLeftmostFirst() throws {
        // "c d" can only apply once in "cdcd" per step; leftmost first then the second pair.
        let tokenizer: Tokenizer = try tokenizer(merges: ["c d"])
        #expect(tokenizer.encode("cdcd") == [10, 10])
        #expect(tokenizer.encode("cdc") == [10, 2])
    }

    @Test func spacesAreByteLevelAndAttachToWords() throws {
        let tokenizer: Tokenizer = try tokenizer(merges: ["Ġ a"])
        #expect(tokenizer.encode(" a") == [9])
        #expect(tokenizer.decode([9, 1]) == " ab")
    }

    @Test func mergeResultMissingFromVocabularyFallsBackLikeLlamaCpp() throws {
        // "d e" merges into "de", which is not a token: llama.cpp then looks up each byte of "de" alone.
        let tokenizer: Tokenizer = try tokenizer(merges: ["d e"])
        #expect(tokenizer.encode("de") == [3, 4])
    }

    @Test func userDefinedTokensMatchEvenWithoutParseSpecial() throws {
        let types: [Int32] = Array(repeating: 1, count: 11) + [4, 3]
        let tokenizer: Tokenizer = try tokenizer(merges: [], extra: ["<tool>", "<ctl>"], types: types)
        #expect(tokenizer.encode("a<tool>b", parseSpecial: false) == [0, 11, 1])
        #expect(tokenizer.encode("a<ctl>b", parseSpecial: true) == [0, 12, 1])
        #expect(!tokenizer.encode("a<ctl>b", parseSpecial: false).contains(12))
        #expect(tokenizer.decode([11], includeSpecial: false) == "<tool>")
        #expect(tokenizer.decode([12], includeSpecial: false) == "")
    }

    @Test func longerSpecialTokensWin() throws {
        let types: [Int32] = Array(repeating: 1, count: 11) + [3, 3]
        let tokenizer: Tokenizer = try tokenizer(merges: [], extra: ["<x>", "<x>>"], types: types)
        #expect(tokenizer.encode("<x>><x>") == [12, 11])
    }

    @Test func llama3UsesWholeWordTokensWithoutMerging() throws {
        // No merge produces "abc", but Llama 3's ignore_merges takes the whole word from the vocabulary.
        let llama3: Tokenizer = try tokenizer(merges: [], pre: "llama-bpe")
        #expect(llama3.encode("abc") == [8])
        #expect(llama3.addBOS)
        let gpt2: Tokenizer = try tokenizer(merges: [])
        #expect(gpt2.encode("abc") == [0, 1, 2])
        #expect(!gpt2.addBOS)
    }

    @Test func specialIDsMustBeInRange() {
        #expect(throws: TokenizerError.specialTokenOutOfRange(key: "tokenizer.ggml.eos_token_id", id: 99, vocabularySize: 2)) {
            _ = try Tokenizer(tokens: ["a", "b"], merges: [], preTokenizer: "gpt2", eosTokenID: 99)
        }
    }

    @Test func endOfGenerationTokensAreFoundByText() throws {
        let tokenizer: Tokenizer = try Tokenizer(
            tokens: ["a", "<|im_end|>", "<|endoftext|>", "<|eot_id|>"], tokenTypes: [1, 1, 3, 3], merges: [],
            preTokenizer: "qwen2")
        #expect(tokenizer.endOfGenerationIDs == [1, 2, 3])
        // A control-looking token of normal type is promoted to control, as llama.cpp does.
        #expect(tokenizer.tokenType(1) == .control)
    }
}
