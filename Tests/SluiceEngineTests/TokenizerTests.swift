import Foundation
import Testing

@testable import SluiceEngine

@Suite struct TokenizerTests {
    @Test func metadataFromTheDefaultModel() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.preTokenizer.kind == .smollm)
        #expect(tokenizer.bosTokenID == 1)
        #expect(tokenizer.eosTokenID == 2)
        #expect(tokenizer.paddingTokenID == 2)
        #expect(tokenizer.addBOS == false)
        #expect(tokenizer.tokenID(for: "<|im_start|>") == 1)
        #expect(tokenizer.tokenType(1) == .control)
        #expect(tokenizer.tokenType(100) == .normal)
        #expect(tokenizer.chatTemplate?.contains("<|im_start|>") == true)
        #expect(tokenizer.isEndOfGeneration(2))
        #expect(tokenizer.isEndOfGeneration(0))
        #expect(!tokenizer.isEndOfGeneration(1))
    }

    @Test func allFixtureTokenizationsMatchLlamaCpp() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        for item: TextFixtures.TokenizeCase in try TextFixtures.reference().tokenize {
            #expect(tokenizer.encode(item.text, addSpecial: false, parseSpecial: true) == item.ids, "\(item.text)")
        }
    }

    @Test func fixturePromptsTokenizeToPromptIDs() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        for item: TextFixtures.ChatCase in try TextFixtures.reference().chat {
            #expect(tokenizer.encode(item.prompt, addSpecial: true, parseSpecial: true) == item.promptIDs)
        }
    }

    @Test func decodingRoundTripsEveryFixture() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        for item: TextFixtures.TokenizeCase in try TextFixtures.reference().tokenize {
            #expect(tokenizer.decode(item.ids, includeSpecial: true) == item.text)
            #expect(Array(item.text.utf8) == tokenizer.decodeBytes(item.ids, includeSpecial: true))
        }
        let text: String = "Ünïcödé, tabs\tand\r\nCRLF, 12345 — ok? 🙂"
        #expect(tokenizer.decode(tokenizer.encode(text)) == text)
    }

    @Test func streamingDecodeOfEmojiAndCJKFixturesIsExact() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        let cases: [TextFixtures.TokenizeCase] = try TextFixtures.reference().tokenize.filter {
            (item: TextFixtures.TokenizeCase) -> Bool in item.text.contains("🙂") || item.text.contains("你好")
        }
        #expect(cases.count == 2)
        for item: TextFixtures.TokenizeCase in cases {
            var decoder: UTF8StreamDecoder = UTF8StreamDecoder()
            var output: String = ""
            var heldBack: Int = 0
            for id: Int32 in item.ids {
                let piece: [UInt8] = tokenizer.pieceBytes(id)
                if String(validating: piece, as: UTF8.self) == nil {
                    heldBack += 1  // this token alone is not valid UTF-8
                }
                let chunk: String = decoder.decode(piece)
                #expect(!chunk.unicodeScalars.contains("\u{FFFD}"))
                output += chunk
            }
            output += decoder.finish()
            #expect(output == item.text)
            #expect(heldBack > 0, "the case must split characters across tokens to be meaningful")
        }
    }

    @Test func specialTokensAreParsedOnlyWhenAsked() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        let text: String = "<|im_start|>user\nhi<|im_end|>\n"
        let parsed: [Int32] = tokenizer.encode(text, parseSpecial: true)
        #expect(parsed == [1, 4093, 198, 6004, 2, 198])
        let plain: [Int32] = tokenizer.encode(text, parseSpecial: false)
        #expect(!plain.contains(1))
        #expect(!plain.contains(2))
        #expect(plain.count > parsed.count)
        #expect(tokenizer.decode(plain) == text, "plain text round-trips without any control token")
    }

    @Test func controlTokensAreHiddenWhenDecodingWithoutSpecials() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        let ids: [Int32] = [1, 4093, 198, 6004, 2, 198]
        #expect(tokenizer.decode(ids, includeSpecial: false) == "user\nhi\n")
        #expect(tokenizer.decode(ids, includeSpecial: true) == "<|im_start|>user\nhi<|im_end|>\n")
        #expect(tokenizer.pieceBytes(2, includeSpecial: false).isEmpty)
        #expect(tokenizer.pieceBytes(-1).isEmpty)
        #expect(tokenizer.pieceBytes(49152).isEmpty)
    }

    @Test func addSpecialFollowsTheModel() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        #expect(tokenizer.encode("Hello", addSpecial: true) == tokenizer.encode("Hello", addSpecial: false))
        #expect(tokenizer.encode("") == [])
    }

    @Test func metadataErrorsAreTyped() {
        let base: [String: GGUFValue] = [
            "tokenizer.ggml.model": .string("gpt2"),
            "tokenizer.ggml.pre": .string("smollm"),
            "tokenizer.ggml.tokens": .array([.string("a"), .string("b")]),
            "tokenizer.ggml.merges": .array([]),
        ]
        var llama: [String: GGUFValue] = base
        llama["tokenizer.ggml.model"] = .string("llama")
        #expect(throws: TokenizerError.unsupportedModel("llama")) { _ = try Tokenizer(metadata: llama) }
        var unknownPre: [String: GGUFValue] = base
        unknownPre["tokenizer.ggml.pre"] = .string("tekken")
        #expect(throws: TokenizerError.unsupportedPreTokenizer("tekken")) { _ = try Tokenizer(metadata: unknownPre) }
        var noTokens: [String: GGUFValue] = base
        noTokens["tokenizer.ggml.tokens"] = nil
        #expect(throws: TokenizerError.missingMetadata("tokenizer.ggml.tokens")) { _ = try Tokenizer(metadata: noTokens) }
        var badTypes: [String: GGUFValue] = base
        badTypes["tokenizer.ggml.token_type"] = .array([.int32(1)])
        #expect(throws: TokenizerError.self) { _ = try Tokenizer(metadata: badTypes) }
        #expect(throws: Never.self) { _ = try Tokenizer(metadata: base) }
    }
}

@Suite struct TokenizerTextStreamTests {
    @Test func streamsFixtureTokensWithoutSplittingCharacters() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        let text: String = "你好，世界！大模型的性价比很重要。"
        var stream: TokenizerTextStream = TokenizerTextStream(tokenizer: tokenizer)
        var chunks: [String] = []
        for id: Int32 in tokenizer.encode(text) { chunks.append(stream.append(id)) }
        chunks.append(stream.finish())
        #expect(chunks.joined() == text)
        #expect(chunks.contains(""), "some tokens end mid-character and must be held back")
        #expect(!chunks.joined().unicodeScalars.contains("\u{FFFD}"))
    }

    @Test func controlTokensProduceNoTextUnlessAsked() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        var plain: TokenizerTextStream = TokenizerTextStream(tokenizer: tokenizer)
        #expect(plain.append(2) == "")
        var special: TokenizerTextStream = TokenizerTextStream(tokenizer: tokenizer, includeSpecial: true)
        #expect(special.append(2) == "<|im_end|>")
    }
}
