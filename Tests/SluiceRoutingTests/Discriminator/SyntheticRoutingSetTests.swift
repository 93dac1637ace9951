import Testing
@testable import SluiceRouting

/// The synthetic generator: repeatable, mixed, and labelled by its rule with the stated noise.
@Suite("Synthetic routing set")
struct SyntheticRoutingSetTests {
    @Test("the same seed gives the same examples; another seed does not")
    func seeded() {
        let first = SyntheticRoutingSet(seed: 9).examples(count: 300)
        #expect(first == SyntheticRoutingSet(seed: 9).examples(count: 300))
        #expect(first != SyntheticRoutingSet(seed: 10).examples(count: 300))
    }

    @Test("both classes, both languages, long conversations and code appear")
    func mixture() {
        let examples = SyntheticRoutingSet(seed: 4).examples(count: 2_000)
        let positives = Double(examples.count { $0.needsStrong }) / 2_000
        #expect((0.3...0.55).contains(positives))
        let chinese = Double(examples.count { $0.features.cjkShare > 0.3 }) / 2_000
        #expect((0.2...0.4).contains(chinese))
        #expect(examples.contains { $0.features.turns >= SyntheticRoutingSet.longConversationTurns })
        #expect(examples.contains { $0.features.question.contains("```") })
        #expect(examples.contains { $0.features.hasTools })
    }

    @Test("labels follow the rule except for the flipped share")
    func noise() {
        let examples = SyntheticRoutingSet(seed: 4, labelNoise: 0.1).examples(count: 4_000)
        let flipped = Double(examples.count { $0.needsStrong != SyntheticRoutingSet.needsStrong($0.features) }) / 4_000
        #expect(abs(flipped - 0.1) < 0.02)
        let clean = SyntheticRoutingSet(seed: 4, labelNoise: 0).examples(count: 500)
        #expect(clean.allSatisfy { $0.needsStrong == SyntheticRoutingSet.needsStrong($0.features) })
    }

    @Test("the rule: hard words, code fences, long conversations")
    func rule() {
        #expect(SyntheticRoutingSet.needsStrong(RequestFeatures(turns: 1, question: "Please prove it.")))
        #expect(SyntheticRoutingSet.needsStrong(RequestFeatures(turns: 1, question: "请证明这个结论")))
        #expect(SyntheticRoutingSet.needsStrong(RequestFeatures(turns: 1, question: "```\nx\n```")))
        #expect(SyntheticRoutingSet.needsStrong(RequestFeatures(turns: 6, question: "hi")))
        #expect(!SyntheticRoutingSet.needsStrong(RequestFeatures(turns: 5, question: "hi")))
        // Whole words only: "improve" holds "prove" but is not hard.
        #expect(!SyntheticRoutingSet.needsStrong(RequestFeatures(turns: 1, question: "How can I improve my tennis?")))
    }
}
