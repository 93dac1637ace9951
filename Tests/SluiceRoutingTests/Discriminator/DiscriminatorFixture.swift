import Foundation
@testable import SluiceRouting

/// Synthetic sets and models shared by the discriminator's tests (built once, on first use).
enum DiscriminatorFixture {
    /// Training set: 50% is held out for calibration, so the threshold rests on 4,000 examples.
    static let training = SyntheticRoutingSet(seed: 1).examples(count: 8_000)
    /// A fresh held-out set from another seed, never seen in training or calibration.
    static let heldOut = SyntheticRoutingSet(seed: 2).examples(count: 8_000)

    static let trainer = DiscriminatorTrainer(epochs: 6, calibrationShare: 0.5, seed: 42)

    /// Models calibrated to 20% and 50% strong calls.
    static let share20 = try! trainer.train(training, target: .strongShare(0.2))
    static let share50 = try! trainer.train(training, target: .strongShare(0.5))

    static let dummyCalibration = DiscriminatorCalibration(
        target: .strongShare(0.5), targetShare: 0.5, achievedShare: 0.5, auc: nil, trainingExamples: 0,
        trainingPositives: 0, calibrationExamples: 0, calibrationPositives: 0, epochs: 1, seed: 0)

    /// A small hand-made model: weight 2 on the `hasTools` slot, bias −1.
    static func tinyModel(threshold: Double) -> DiscriminatorModel {
        var weights = [Double](repeating: 0, count: 1 << 10)
        weights[NumericSlot.hasTools.rawValue] = 2
        weights[700] = -0.25
        return DiscriminatorModel(
            extractor: FeatureExtractor(dimensions: 1 << 10), bias: -1, weights: weights, threshold: threshold,
            calibration: dummyCalibration)
    }

    /// A fresh path in the temporary directory.
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-discriminator-\(UUID().uuidString)-\(name)").path
    }
}
