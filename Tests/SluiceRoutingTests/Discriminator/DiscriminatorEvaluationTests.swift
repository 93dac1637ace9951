import Testing
@testable import SluiceRouting

/// AUC, quantile thresholds, quality kept and PGR against hand-computed values.
@Suite("Discriminator evaluation")
struct DiscriminatorEvaluationTests {
    /// Probabilities 0.9, 0.8, 0.4, 0.3, 0.2; the first and third need the strong model.
    let evaluation = DiscriminatorEvaluation(
        probabilities: [0.9, 0.8, 0.4, 0.3, 0.2], needsStrong: [true, false, true, false, false])

    @Test("AUC counts ordered pairs, ties half")
    func auc() throws {
        // Positives 0.9 and 0.4 against negatives 0.8, 0.3, 0.2: 0.9 beats 3, 0.4 beats 2 → 5 of 6.
        #expect(try #require(evaluation.auc) == 5.0 / 6.0)
        #expect(DiscriminatorEvaluation.auc(probabilities: [0.5, 0.5], labels: [true, false]) == 0.5)
        #expect(DiscriminatorEvaluation.auc(probabilities: [0.1, 0.9], labels: [false, true]) == 1)
        #expect(DiscriminatorEvaluation.auc(probabilities: [0.1, 0.9], labels: [true, false]) == 0)
        #expect(DiscriminatorEvaluation.auc(probabilities: [0.1, 0.9], labels: [true, true]) == nil)
    }

    @Test("one threshold: share, quality, quality kept and PGR")
    func row() throws {
        // Over 0.5: the 0.9 and 0.8 requests go strong. Served well: all but the 0.4 request (needs strong,
        // went weak) → 4/5. All-strong quality 1, all-weak 3/5; PGR (0.8 − 0.6) / (1 − 0.6) = 0.5.
        let row = evaluation.row(threshold: 0.5)
        #expect(row.strongShare == 0.4)
        #expect(abs(row.quality - 0.8) < 1e-12)
        #expect(abs(try #require(row.qualityKept) - 0.8) < 1e-12)
        #expect(abs(try #require(row.pgr) - 0.5) < 1e-12)
        #expect(evaluation.allStrongQuality == 1)
        #expect(abs(evaluation.allWeakQuality - 0.6) < 1e-12)
    }

    @Test("the sweep steps through shares of strong calls")
    func sweep() {
        let rows = evaluation.sweep(steps: 5)
        let thresholds = rows.map { ($0.threshold * 1e9).rounded() / 1e9 }
        #expect(thresholds == [1, 0.85, 0.6, 0.35, 0.25, 0])
        #expect(rows.map(\.strongShare) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        let quality = rows.map { ($0.quality * 10).rounded() / 10 }
        #expect(quality == [0.6, 0.8, 0.8, 1, 1, 1])
        let pgr = rows.map { (($0.pgr ?? -1) * 100).rounded() / 100 }
        #expect(pgr == [0, 0.5, 0.5, 1, 1, 1])
    }

    @Test("graded qualities: quality kept is relative to all-strong")
    func graded() throws {
        let evaluation = DiscriminatorEvaluation(items: [
            .init(probability: 0.9, strongQuality: 0.8, weakQuality: 0.2),
            .init(probability: 0.1, strongQuality: 0.6, weakQuality: 0.6),
        ])
        // Over 0.5: 0.8 + 0.6 → 0.7; all strong 0.7, all weak 0.4.
        let row = evaluation.row(threshold: 0.5)
        #expect(abs(row.quality - 0.7) < 1e-12)
        #expect(abs(try #require(row.qualityKept) - 1) < 1e-12)
        #expect(abs(try #require(row.pgr) - 1) < 1e-12)
    }

    @Test("quantile thresholds, including ties and the ends")
    func thresholds() {
        let probabilities = [0.9, 0.8, 0.4, 0.3, 0.2]
        #expect(DiscriminatorEvaluation.threshold(forShare: 0, probabilities: probabilities) == 1)
        #expect(DiscriminatorEvaluation.threshold(forShare: 1, probabilities: probabilities) == 0)
        #expect(abs(DiscriminatorEvaluation.threshold(forShare: 0.4, probabilities: probabilities) - 0.6) < 1e-12)
        // A tie of three at 0.5 around the wanted 2 of 4: all three go strong (3 is nearer 2 than 0 is).
        let tied = DiscriminatorEvaluation(probabilities: [0.5, 0.5, 0.5, 0.1], needsStrong: [true, false, true, false])
        let threshold = DiscriminatorEvaluation.threshold(forShare: 0.5, probabilities: tied.probabilities)
        #expect(tied.strongShare(threshold: threshold) == 0.75)
        // Wanting 1 of 4, none of the tie goes strong.
        let low = DiscriminatorEvaluation.threshold(forShare: 0.25, probabilities: tied.probabilities)
        #expect(tied.strongShare(threshold: low) == 0)
        #expect(DiscriminatorEvaluation.threshold(forShare: 0.3, probabilities: []) == 0.7)
    }
}
