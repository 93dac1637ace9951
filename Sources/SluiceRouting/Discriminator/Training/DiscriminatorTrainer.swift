/// Trains a ``DiscriminatorModel`` from labelled examples and calibrates its threshold to a cost target.
///
/// 1. The examples are shuffled with ``seed`` and ``calibrationShare`` of them are held out.
/// 2. L2-regularised logistic regression is fitted on the rest with AdaGrad over ``epochs`` shuffled
///    passes (see ``FeatureExtractor`` for the features).
/// 3. The threshold is set on the held-out calibration set, as RouteLLM does: it is the probability
///    above which the target's share of the calibration requests lies (see ``CostTarget/share``).
///    The calibration set's AUC and the share actually achieved are recorded in the model.
///
/// The same examples, settings and seed give the same model, bit for bit.
public struct DiscriminatorTrainer: Sendable {
    /// The feature vector size (a power of two).
    public var dimensions: Int
    /// Passes over the training examples.
    public var epochs: Int
    /// AdaGrad's base step size.
    public var learningRate: Double
    /// The L2 penalty on the weights.
    public var l2: Double
    /// The share of examples held out to set the threshold and measure AUC, in (0, 1).
    public var calibrationShare: Double
    /// The seed of the split and the shuffles.
    public var seed: UInt64

    /// The fewest examples a training run accepts.
    public static let minimumExamples = 10

    /// A trainer; the defaults suit a few thousand to a few hundred thousand examples.
    public init(
        dimensions: Int = FeatureExtractor.defaultDimensions, epochs: Int = 8, learningRate: Double = 0.2,
        l2: Double = 1e-6, calibrationShare: Double = 0.2, seed: UInt64 = 42
    ) {
        self.dimensions = dimensions
        self.epochs = epochs
        self.learningRate = learningRate
        self.l2 = l2
        self.calibrationShare = calibrationShare
        self.seed = seed
    }

    /// Fits and calibrates a model.
    public func train(_ examples: [TrainingExample], target: CostTarget) throws(DiscriminatorTrainingError) -> DiscriminatorModel {
        if let problem = target.problem { throw .invalidTarget(problem) }
        try checkSettings()
        guard examples.count >= Self.minimumExamples else {
            throw .tooFewExamples(count: examples.count, needed: Self.minimumExamples)
        }

        var random = SplitMix64(seed: seed)
        var order = Array(examples.indices)
        random.shuffle(&order)
        let calibrationCount = min(max(Int((Double(examples.count) * calibrationShare).rounded()), 1), examples.count - 1)
        let calibration = order[..<calibrationCount].map { examples[$0] }
        let training = order[calibrationCount...].map { examples[$0] }
        let trainingPositives = training.count { $0.needsStrong }
        guard trainingPositives > 0, trainingPositives < training.count else {
            throw .oneClass(needsStrong: trainingPositives > 0)
        }

        let extractor = FeatureExtractor(dimensions: dimensions)
        let fitter = LogisticRegression(dimensions: dimensions, epochs: epochs, learningRate: learningRate, l2: l2)
        let (bias, weights) = fitter.fit(
            training.map { extractor.extract($0.features) }, labels: training.map(\.needsStrong), random: &random)

        var model = DiscriminatorModel(
            extractor: extractor, bias: bias, weights: weights, threshold: 0.5,
            calibration: DiscriminatorCalibration(
                target: target, targetShare: target.share, achievedShare: 0, auc: nil,
                trainingExamples: training.count, trainingPositives: trainingPositives,
                calibrationExamples: calibration.count, calibrationPositives: calibration.count { $0.needsStrong },
                epochs: epochs, seed: seed))
        let evaluation = DiscriminatorEvaluation(model: model, examples: calibration)
        model.threshold = DiscriminatorEvaluation.threshold(forShare: target.share, probabilities: evaluation.probabilities)
        model.calibration.achievedShare = evaluation.strongShare(threshold: model.threshold)
        model.calibration.auc = evaluation.auc
        return model
    }

    private func checkSettings() throws(DiscriminatorTrainingError) {
        guard FeatureExtractor.isValidDimensions(dimensions) else {
            throw .invalidSetting("dimensions must be a power of two in 2^10...2^24, got \(dimensions)")
        }
        guard epochs >= 1 else { throw .invalidSetting("epochs must be at least 1, got \(epochs)") }
        guard learningRate.isFinite, learningRate > 0 else {
            throw .invalidSetting("the learning rate must be above 0, got \(learningRate)")
        }
        guard l2.isFinite, l2 >= 0 else { throw .invalidSetting("the L2 penalty must be at least 0, got \(l2)") }
        guard calibrationShare > 0, calibrationShare < 1 else {
            throw .invalidSetting("the calibration share must be between 0 and 1 (exclusive), got \(calibrationShare)")
        }
    }
}
