/// How well a discriminator routes a labelled set: AUC, and quality against the share of strong calls
/// over a sweep of thresholds, in RouteLLM's terms.
///
/// Each request has a quality when served by the strong model and one when served by the weak model.
/// For binary labels, the strong model always serves well (1) and the weak model serves well (1)
/// only when the label is 0. Routing with a threshold serves each request by the strong model when its
/// probability is over the threshold. Then, over the set:
/// - quality: the mean quality of the routed answers (for binary labels: the share served well);
/// - quality kept: quality ÷ the quality of always using the strong model;
/// - PGR, the performance gap recovered: (quality − all-weak quality) ÷ (all-strong − all-weak quality).
public struct DiscriminatorEvaluation: Sendable {
    /// One request: the discriminator's probability and the quality of each model's answer.
    public struct Item: Sendable, Hashable {
        /// The discriminator's probability that the strong model is needed.
        public var probability: Double
        /// The quality of the strong model's answer (for binary labels, 1).
        public var strongQuality: Double
        /// The quality of the weak model's answer (for binary labels, 0 when the strong one was needed).
        public var weakQuality: Double

        /// A request with graded qualities, such as judge scores in 0...1.
        public init(probability: Double, strongQuality: Double, weakQuality: Double) {
            self.probability = probability
            self.strongQuality = strongQuality
            self.weakQuality = weakQuality
        }

        /// A binary-labelled request: the strong model serves it well; the weak one only if not needed.
        public init(probability: Double, needsStrong: Bool) {
            self.init(probability: probability, strongQuality: 1, weakQuality: needsStrong ? 0 : 1)
        }

        /// Whether the strong model does better on it (the positive class for AUC).
        public var needsStrong: Bool { strongQuality > weakQuality }
    }

    /// Routing at one threshold.
    public struct Row: Sendable, Hashable {
        /// Strong when the probability is over this.
        public var threshold: Double
        /// The share of requests sent to the strong model, 0...1.
        public var strongShare: Double
        /// The mean quality of the routed answers.
        public var quality: Double
        /// Quality relative to always using the strong model; nil when that quality is 0.
        public var qualityKept: Double?
        /// The performance gap recovered; nil when both models do equally well.
        public var pgr: Double?
    }

    /// The evaluated requests.
    public let items: [Item]

    /// Requests with their probabilities and qualities.
    public init(items: [Item]) {
        self.items = items
    }

    /// Binary-labelled requests.
    public init(probabilities: [Double], needsStrong: [Bool]) {
        precondition(probabilities.count == needsStrong.count, "one label per probability")
        self.init(items: zip(probabilities, needsStrong).map { Item(probability: $0, needsStrong: $1) })
    }

    /// A model's probabilities on labelled examples.
    public init(model: DiscriminatorModel, examples: [TrainingExample]) {
        self.init(items: examples.map { Item(probability: model.probability($0.features), needsStrong: $0.needsStrong) })
    }

    /// The probabilities, in the items' order.
    public var probabilities: [Double] { items.map(\.probability) }

    /// The mean quality of always using the strong model.
    public var allStrongQuality: Double { Self.mean(items.map(\.strongQuality)) }

    /// The mean quality of always using the weak model.
    public var allWeakQuality: Double { Self.mean(items.map(\.weakQuality)) }

    /// The area under the ROC curve, ties counting half; nil unless both classes are present.
    public var auc: Double? {
        Self.auc(probabilities: probabilities, labels: items.map(\.needsStrong))
    }

    /// The share of requests whose probability is over `threshold`.
    public func strongShare(threshold: Double) -> Double {
        guard !items.isEmpty else { return 0 }
        return Double(items.count { $0.probability > threshold }) / Double(items.count)
    }

    /// Routing at one threshold.
    public func row(threshold: Double) -> Row {
        var strong = 0
        var quality = 0.0
        for item in items {
            if item.probability > threshold {
                strong += 1
                quality += item.strongQuality
            } else {
                quality += item.weakQuality
            }
        }
        let count = Double(max(items.count, 1))
        quality /= count
        let allStrong = allStrongQuality
        let allWeak = allWeakQuality
        return Row(
            threshold: threshold, strongShare: Double(strong) / count, quality: quality,
            qualityKept: allStrong > 0 ? quality / allStrong : nil,
            pgr: allStrong != allWeak ? (quality - allWeak) / (allStrong - allWeak) : nil)
    }

    /// Rows at the thresholds that send 0, 1/`steps`, …, all of the requests to the strong model.
    public func sweep(steps: Int) -> [Row] {
        let steps = max(steps, 1)
        let probabilities = probabilities
        return (0...steps).map { step in
            row(threshold: Self.threshold(forShare: Double(step) / Double(steps), probabilities: probabilities))
        }
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
