import Testing

@testable import SluiceEngine

/// Hand-checked splits for each pre-tokenizer family (see llama.cpp `llm_tokenizer_bpe` regexes).
@Suite struct PreTokenizerTests {
    private func split(_ kind: PreTokenizer.Kind, _ text: String) -> [String] {
        PreTokenizer(kind: kind).split(text)
    }

    @Test func gpt2() {
        #expect(split(.gpt2, "Hello world's 2025 cats!!  \n x") == ["Hello", " world", "'s", " 2025", " cats", "!!", "  \n", " x"])
        #expect(split(.gpt2, "DON'T") == ["DON", "'", "T"])
        #expect(split(.gpt2, "a\n\nb") == ["a", "\n", "\n", "b"])
        #expect(split(.gpt2, "你好，世界") == ["你好", "，", "世界"])
        #expect(split(.gpt2, "trailing   ") == ["trailing", "   "])
    }

    @Test func smollmSplitsEveryDigit() {
        #expect(split(.smollm, "year 2025!") == ["year", " ", "2", "0", "2", "5", "!"])
        #expect(split(.smollm, "3.14") == ["3", ".", "1", "4"])
        #expect(split(.smollm, "x ٣") == ["x", " ", "٣"], "any Unicode number, not only ASCII digits")
        #expect(split(.smollm, "don't") == ["don", "'t"])
    }

    @Test func llama3GroupsDigitsByThree() {
        #expect(split(.llama3, "12345") == ["123", "45"])
        #expect(split(.llama3, "in 2025") == ["in", " ", "202", "5"])
        #expect(split(.llama3, "DON'T") == ["DON", "'T"], "contractions are case-insensitive")
        #expect(split(.llama3, "x\n\n  y") == ["x", "\n\n", " ", " y"])
        #expect(split(.llama3, "ok!!\n\nnext") == ["ok", "!!\n\n", "next"])
        #expect(split(.llama3, "$100 (x)") == ["$", "100", " (", "x", ")"])
        #expect(split(.llama3, "\"quoted") == ["\"quoted"], "one non-letter may lead a word")
    }

    @Test func qwen2SplitsSingleDigits() {
        #expect(split(.qwen2, "12345") == ["1", "2", "3", "4", "5"])
        #expect(split(.qwen2, "I'M here") == ["I", "'M", " here"])
        #expect(split(.qwen2, "a\r\n\r\nb") == ["a", "\r\n\r\n", "b"])
        #expect(split(.qwen2, "你好，世界") == ["你好", "，世界"])
    }

    @Test func splitsCoverTheInput() {
        let text: String = "Mixed: ÀB ç'est 123 \t\n 🙂🚀 x  "
        for kind: PreTokenizer.Kind in PreTokenizer.Kind.allCases {
            #expect(split(kind, text).joined() == text, "\(kind)")
        }
    }

    @Test func ggufNamesMapToFamilies() {
        #expect(PreTokenizer(ggufName: "smollm")?.kind == .smollm)
        #expect(PreTokenizer(ggufName: "qwen2")?.kind == .qwen2)
        #expect(PreTokenizer(ggufName: "deepseek-r1-qwen")?.kind == .qwen2)
        #expect(PreTokenizer(ggufName: "llama-bpe")?.kind == .llama3)
        #expect(PreTokenizer(ggufName: "gpt-2")?.kind == .gpt2)
        #expect(PreTokenizer(ggufName: "tekken") == nil)
    }
}
