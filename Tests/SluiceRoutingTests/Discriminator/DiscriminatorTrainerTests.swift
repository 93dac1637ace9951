import Testing
@testable import SluiceRouting

/// Training recovers a known rule, and the calibrated threshold hits the requested share of strong calls.
@Suite("Discriminator training")
struct DiscriminatorTrainerTests {
    @Test("training on a synthetic set with a known rule recovers it (held-out AUC ≥ 0.9)")
    func recoversRule() throws {
        let model = DiscriminatorFixture.share20
        let heldOut = DiscriminatorFixture.heldOut
        let evaluation = DiscriminatorEvaluation(model: model, examples: heldOut)
        // Against the held-out labels, 3% of which are flipped (which caps the AUC near 0.97).
        let auc = try #require(evaluation.auc)
        #expect(auc >= 0.9)
        // Against the rule itself.
        let ruleAUC = try #require(
            DiscriminatorEvaluation.auc(
                probabilities: evaluation.probabilities, labels: heldOut.map { SyntheticRoutingSet.needsStrong($0.features) }))
        #expect(ruleAUC >= 0.97)
        let calibrationAUC = try #require(model.calibration.auc)
        #expect(calibrationAUC >= 0.9)
        #expect(model.calibration.trainingExamples == 4_000)
        #expect(model.calibration.calibrationExamples == 4_000)
    }

    @Test("the threshold gives the requested strong share within ±2 points on a fresh held-out set", arguments: [0.2, 0.5])
    func thresholdHitsShare(share: Double) {
        let model = share == 0.2 ? DiscriminatorFixture.share20 : DiscriminatorFixture.share50
        #expect(model.calibration.targetShare == share)
        #expect(abs(model.calibration.achievedShare - share) < 0.005)
        let heldOut = DiscriminatorEvaluation(model: model, examples: DiscriminatorFixture.heldOut)
        let achieved = heldOut.strongShare(threshold: model.threshold)
        #expect(abs(achieved - share) <= 0.02, "held-out strong share \(achieved) for target \(share)")
        // decide() agrees with the threshold.
        let decisions = DiscriminatorFixture.heldOut.map { model.decide($0.features) }
        #expect(Double(decisions.count(where: \.strong)) / Double(decisions.count) == achieved)
    }

    @Test("the same data, settings and seed give the same model")
    func deterministic() throws {
        let examples = Array(DiscriminatorFixture.training.prefix(600))
        let trainer = DiscriminatorTrainer(dimensions: 1 << 12, epochs: 2, seed: 3)
        let first = try trainer.train(examples, target: .strongShare(0.3))
        let second = try trainer.train(examples, target: .strongShare(0.3))
        #expect(first.weights == second.weights)
        #expect(first.bias == second.bias)
        #expect(first.threshold == second.threshold)
        var reseeded = trainer
        reseeded.seed = 4
        #expect(try reseeded.train(examples, target: .strongShare(0.3)).weights != first.weights)
    }

    @Test("a budget per 1k requests becomes a share of strong calls")
    func budgetConversion() throws {
        // (5 / 1000 − 0.001) / (0.01 − 0.001) = 0.004 / 0.009.
        #expect(abs(CostTarget.budgetPer1k(budget: 5, strongCost: 0.01, weakCost: 0.001).share - 4.0 / 9.0) < 1e-12)
        #expect(CostTarget.budgetPer1k(budget: 0.5, strongCost: 0.01, weakCost: 0.001).share == 0)  // below all-weak
        #expect(CostTarget.budgetPer1k(budget: 20, strongCost: 0.01, weakCost: 0.001).share == 1)  // above all-strong
        #expect(abs(CostTarget.budgetPer1k(budget: 5.5, strongCost: 0.01, weakCost: 0.001).share - 0.5) < 1e-12)
        #expect(CostTarget.strongShare(1.5).share == 1)
        #expect(CostTarget.budgetPer1k(budget: 5, strongCost: 0.001, weakCost: 0.01).problem != nil)
        #expect(CostTarget.strongShare(0.3).problem == nil)

        let examples = Array(DiscriminatorFixture.training.prefix(2_000))
        let trainer = DiscriminatorTrainer(dimensions: 1 << 14, epochs: 3, calibrationShare: 0.5)
        let model = try trainer.train(examples, target: .budgetPer1k(budget: 5.5, strongCost: 0.01, weakCost: 0.001))
        #expect(abs(model.calibration.targetShare - 0.5) < 1e-12)
        #expect(abs(model.calibration.achievedShare - 0.5) < 0.01)
    }

    @Test("unusable inputs are typed errors")
    func errors() {
        let examples = Array(DiscriminatorFixture.training.prefix(100))
        let trainer = DiscriminatorTrainer(dimensions: 1 << 10, epochs: 1)
        #expect(throws: DiscriminatorTrainingError.tooFewExamples(count: 5, needed: 10)) {
            try trainer.train(Array(examples.prefix(5)), target: .strongShare(0.3))
        }
        let weakOnly = examples.filter { !$0.needsStrong }
        #expect(throws: DiscriminatorTrainingError.oneClass(needsStrong: false)) {
            try trainer.train(weakOnly, target: .strongShare(0.3))
        }
        #expect(throws: DiscriminatorTrainingError.self) { try trainer.train(examples, target: .strongShare(2)) }
        var bad = trainer
        bad.calibrationShare = 1
        #expect(throws: DiscriminatorTrainingError.self) { try bad.train(examples, target: .strongShare(0.3)) }
        bad = trainer
        bad.dimensions = 1_000
        #expect(throws: DiscriminatorTrainingError.self) { try bad.train(examples, target: .strongShare(0.3)) }
    }
}
