/// The discriminator's verdict on one request.
public struct DiscriminatorDecision: Sendable, Hashable {
    /// The estimated probability that the strong model's answer is needed.
    public var probability: Double
    /// The calibrated threshold.
    public var threshold: Double
    /// Whether to use the strong model: `probability > threshold`.
    public var strong: Bool

    /// The decision for a probability at a threshold.
    public init(probability: Double, threshold: Double) {
        self.probability = probability
        self.threshold = threshold
        self.strong = probability > threshold
    }
}
