/// How a model's threshold was set, and what training saw: kept in the model file so that
/// `sluice router eval` and the gateway's logs can say what a loaded model promises.
public struct DiscriminatorCalibration: Codable, Sendable, Hashable {
    /// The cost target the threshold was calibrated to.
    public var target: CostTarget
    /// The target as a share of strong calls, 0...1.
    public var targetShare: Double
    /// The share of the calibration set above the threshold.
    public var achievedShare: Double
    /// The area under the ROC curve on the calibration set; nil when it holds only one class.
    public var auc: Double?
    /// Examples the weights were fitted on.
    public var trainingExamples: Int
    /// Training examples labelled as needing the strong model.
    public var trainingPositives: Int
    /// Held-out examples the threshold and AUC come from.
    public var calibrationExamples: Int
    /// Calibration examples labelled as needing the strong model.
    public var calibrationPositives: Int
    /// Passes over the training examples.
    public var epochs: Int
    /// The seed of the split and the shuffles.
    public var seed: UInt64

    /// Facts recorded by ``DiscriminatorTrainer``.
    public init(
        target: CostTarget, targetShare: Double, achievedShare: Double, auc: Double?, trainingExamples: Int,
        trainingPositives: Int, calibrationExamples: Int, calibrationPositives: Int, epochs: Int, seed: UInt64
    ) {
        self.target = target
        self.targetShare = targetShare
        self.achievedShare = achievedShare
        self.auc = auc
        self.trainingExamples = trainingExamples
        self.trainingPositives = trainingPositives
        self.calibrationExamples = calibrationExamples
        self.calibrationPositives = calibrationPositives
        self.epochs = epochs
        self.seed = seed
    }

    private enum CodingKeys: String, CodingKey {
        case target, auc, epochs, seed
        case targetShare = "target_share"
        case achievedShare = "achieved_share"
        case trainingExamples = "training_examples"
        case trainingPositives = "training_positives"
        case calibrationExamples = "calibration_examples"
        case calibrationPositives = "calibration_positives"
    }
}
