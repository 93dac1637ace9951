import Foundation
import Testing

@testable import SluiceEngine

/// The thinking budget: free thought for N reasoning tokens, then the closing text forced, then the answer.
@Suite struct ThinkingBudgetSteeringTests {
    /// A tiny Qwen3-like vocabulary: letters, space, newline, `<`, `/`, `>`, and `<think>`/`</think>` as
    /// single added tokens.
    static func qwenLike() throws -> Tokenizer {
        let letters: [String] = "abcdefghijklmnopqrstuvwxyz".map { String($0) }
        let tokens: [String] = letters + ["Ġ", "Ċ", "<", "/", ">", "<think>", "</think>", "<|im_end|>"]
        var types: [Int32] = [Int32](repeating: 1, count: tokens.count)
        types[tokens.count - 3] = 4
        types[tokens.count - 2] = 4
        types[tokens.count - 1] = 3
        return try Tokenizer(tokens: tokens, tokenTypes: types, merges: [], preTokenizer: "qwen2", eosTokenID: Int32(tokens.count - 1))
    }

    /// Runs a steering over `proposed` tokens as the engine would: a forced token replaces the proposal.
    /// Returns the tokens that came out.
    func drive(_ steering: ThinkingBudgetSteering, _ proposed: [Int32], extra: Int = 16) -> [Int32] {
        var out: [Int32] = []
        var queue: [Int32] = proposed
        var spare: Int = extra
        while !steering.isComplete {
            let token: Int32
            if let forced: Int32 = steering.forcedToken() {
                token = forced
            } else if !queue.isEmpty {
                token = queue.removeFirst()
            } else {
                break
            }
            #expect(steering.allows(token))
            steering.accept(token)
            out.append(token)
            spare -= 1
            if queue.isEmpty && steering.forcedToken() == nil && spare <= 0 { break }
        }
        return out
    }

    @Test func budgetForcesTheClosingTextAfterExactlyNTokens() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        let thought: [Int32] = tokenizer.encode("I am thinking about the question very carefully and at length")
        #expect(thought.count > 6)
        let steering: ThinkingBudgetSteering = ThinkingBudgetSteering(
            tokenizer: tokenizer, endTokens: [], budget: 5, startsInThought: true)
        let out: [Int32] = drive(steering, thought)
        #expect(Array(out.prefix(5)) == Array(thought.prefix(5)))
        let forced: [Int32] = tokenizer.encode("\n</think>\n\n", addSpecial: false, parseSpecial: true)
        #expect(Array(out[5..<(5 + forced.count)]) == forced)
        #expect(tokenizer.decode(Array(out.prefix(5 + forced.count))).hasSuffix("\n</think>\n\n"))
        #expect(steering.thought.reasoningTokens == 5)
        #expect(steering.thought.phase == .answer)
        #expect(!steering.isComplete, "without an inner steering the answer is free")
        // The tokens after the close are the model's own again.
        #expect(Array(out.dropFirst(5 + forced.count)) == Array(thought.dropFirst(5)))
    }

    @Test func aNaturalCloseSplitAcrossTokensEndsTheThought() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        let tokens: [Int32] = tokenizer.encode("Short thought.</think>\n\nThe answer is four.")
        var tracker: ThoughtTracker = ThoughtTracker(tokenizer: tokenizer, startsInThought: true, budget: 100)
        var closedAt: Int?
        for (index, token): (Int, Int32) in tokens.enumerated() {
            tracker.accept(token)
            #expect(tracker.forcedToken == nil)
            if closedAt == nil && tracker.phase == .answer { closedAt = index }
        }
        let close: Int = try #require(closedAt)
        #expect(tokenizer.decode(Array(tokens.prefix(close + 1))).contains("</think>"))
        #expect(!tokenizer.decode(Array(tokens.prefix(close))).contains("</think>"))
        #expect(tokenizer.pieceBytes(tokens[close]).count < "</think>".utf8.count, "the tag is split here")
        #expect(tracker.reasoningTokens == close, "every token before the one completing the tag is reasoning")
    }

    @Test func aBudgetReachedInsideTheTagCompletesIt() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        let tokens: [Int32] = tokenizer.encode("Hmm </thi")
        let steering: ThinkingBudgetSteering = ThinkingBudgetSteering(
            tokenizer: tokenizer, endTokens: [], budget: tokens.count, startsInThought: true)
        let out: [Int32] = drive(steering, tokens, extra: 0)
        let text: String = tokenizer.decode(out)
        #expect(text == "Hmm </think>\n\n")
        #expect(steering.thought.reasoningTokens == tokens.count)
    }

    @Test func oneSpecialTokenClosesAndIsForcedAsOne() throws {
        let tokenizer: Tokenizer = try Self.qwenLike()
        let close: Int32 = try #require(tokenizer.tokenID(for: "</think>"))
        let open: Int32 = try #require(tokenizer.tokenID(for: "<think>"))
        #expect(tokenizer.encode("\n</think>\n\n", parseSpecial: true).contains(close))
        // Forced: the closing text uses the single token.
        let steering: ThinkingBudgetSteering = ThinkingBudgetSteering(
            tokenizer: tokenizer, endTokens: [], budget: 3, startsInThought: false)
        let out: [Int32] = drive(steering, [open] + tokenizer.encode("abcdef"), extra: 0)
        #expect(tokenizer.decode(out, includeSpecial: true) == "<think>abc\n</think>\n\ndef")
        #expect(steering.thought.reasoningTokens == 3)
        // Natural: the one token closes the thought and is not counted.
        var tracker: ThoughtTracker = ThoughtTracker(tokenizer: tokenizer, startsInThought: false, budget: nil)
        for token: Int32 in [open] + tokenizer.encode("ab") + [close] + tokenizer.encode("cd") { tracker.accept(token) }
        #expect(tracker.opened && tracker.phase == .answer && tracker.reasoningTokens == 2)
    }

    @Test func zeroBudgetClosesAtOnceAndNoThoughtMeansNoSteering() async throws {
        let tokenizer: Tokenizer = try await TextFixtures.tokenizer()
        let steering: ThinkingBudgetSteering = ThinkingBudgetSteering(
            tokenizer: tokenizer, endTokens: [], budget: 0, startsInThought: true)
        #expect(steering.forcedToken() != nil)
        let out: [Int32] = drive(steering, tokenizer.encode("Answer"), extra: 0)
        #expect(tokenizer.decode(out) == "\n</think>\n\nAnswer")
        #expect(steering.thought.reasoningTokens == 0)
        // An output that does not open a thought is the answer from the first token.
        let plain: ThinkingBudgetSteering = ThinkingBudgetSteering(
            tokenizer: tokenizer, endTokens: [], budget: 1, startsInThought: false)
        let words: [Int32] = tokenizer.encode("Paris is the capital")
        #expect(drive(plain, words, extra: 0) == words)
        #expect(!plain.thought.opened && plain.thought.reasoningTokens == 0)
    }

    /// An inner steering that must see exactly the answer's tokens and completes after `length` of them.
    final class Recorder: TokenSteering, @unchecked Sendable {
        var accepted: [Int32] = []
        let length: Int
        init(length: Int) { self.length = length }
        var isComplete: Bool { accepted.count >= length }
        func forcedToken() -> Int32? { nil }
        func allows(_ token: Int32) -> Bool { true }
        func mask(_ logits: UnsafeMutableBufferPointer<Float>) {}
        func accept(_ token: Int32) { accepted.append(token) }
    }

    @Test func theInnerSteeringGetsTheAnswerAfterTheSeparatorAndEndTokensWaitForIt() throws {
        let tokenizer: Tokenizer = try Self.qwenLike()
        let end: Int32 = try #require(tokenizer.eosTokenID)
        let close: Int32 = try #require(tokenizer.tokenID(for: "</think>"))
        let inner: Recorder = Recorder(length: 2)
        let steering: ThinkingBudgetSteering = ThinkingBudgetSteering(
            tokenizer: tokenizer, endTokens: [end], budget: nil, startsInThought: true, inner: inner)
        #expect(!steering.allows(end), "the thought may not end the output when an answer must follow")
        var logits: [Float] = [Float](repeating: 0, count: tokenizer.vocabularySize)
        logits.withUnsafeMutableBufferPointer { steering.mask($0) }
        #expect(logits[Int(end)] == -.infinity && logits[0] == 0)
        let out: [Int32] = drive(steering, tokenizer.encode("ab") + [close] + tokenizer.encode("xyz"), extra: 0)
        // After a natural close the separator is forced, then the inner steering takes over.
        #expect(tokenizer.decode(out, includeSpecial: true) == "ab</think>\n\nxy")
        #expect(inner.accepted == tokenizer.encode("xy"))
        #expect(steering.isComplete)
        #expect(steering.thought.reasoningTokens == 2)
    }

    @Test func anInnerSteeringWithoutAnOpenThoughtAppliesFromTheStart() throws {
        let tokenizer: Tokenizer = try Self.qwenLike()
        let inner: Recorder = Recorder(length: 3)
        let steering: ThinkingBudgetSteering = ThinkingBudgetSteering(
            tokenizer: tokenizer, endTokens: [], budget: 5, startsInThought: false, inner: inner)
        _ = drive(steering, tokenizer.encode("abc"), extra: 0)
        #expect(inner.accepted == tokenizer.encode("abc"))
        #expect(steering.isComplete && steering.thought.reasoningTokens == 0)
    }
}
