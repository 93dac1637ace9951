import Foundation

/// A trained discriminator: L2-regularised logistic regression over ``FeatureExtractor`` vectors, and
/// the threshold calibrated to a ``CostTarget``.
///
/// It estimates the probability that a request needs the strong model's answer; the route uses the
/// strong model when that probability is over ``threshold``. A decision extracts and scores the
/// features in one pass, without allocating on the heap.
public struct DiscriminatorModel: Sendable {
    /// The extractor the weights belong to (its version is ``FeatureExtractor/currentVersion``).
    public let extractor: FeatureExtractor
    /// The intercept.
    public private(set) var bias: Double
    /// One weight per feature index (`extractor.dimensions` of them; most are zero).
    public private(set) var weights: [Double]
    /// The probability above which the strong model is used.
    public var threshold: Double
    /// How the threshold was set and what training saw.
    public var calibration: DiscriminatorCalibration

    /// - Precondition: `weights.count == extractor.dimensions`.
    public init(
        extractor: FeatureExtractor, bias: Double, weights: [Double], threshold: Double,
        calibration: DiscriminatorCalibration
    ) {
        precondition(weights.count == extractor.dimensions, "a model needs one weight per feature index")
        self.extractor = extractor
        self.bias = bias
        self.weights = weights
        self.threshold = threshold
        self.calibration = calibration
    }

    /// The version of the features the model was trained on.
    public var extractorVersion: Int { extractor.version }

    /// The vector size.
    public var dimensions: Int { extractor.dimensions }

    /// The number of nonzero weights (what the model file stores).
    public var nonzeroWeights: Int { weights.reduce(0) { $1 != 0 ? $0 + 1 : $0 } }

    /// The log-odds that a request needs the strong model.
    public func logit(_ features: RequestFeatures) -> Double {
        weights.withUnsafeBufferPointer { weights in
            var sum = bias
            // The extractor's indices are masked to `dimensions`, which is `weights.count`.
            extractor.forEachFeature(of: features) { index, value in sum += weights[index] * value }
            return sum
        }
    }

    /// The log-odds of an already extracted vector.
    public func logit(_ vector: SparseFeatures) -> Double {
        bias + vector.dot(weights)
    }

    /// The probability that a request needs the strong model's answer.
    public func probability(_ features: RequestFeatures) -> Double {
        Self.sigmoid(logit(features))
    }

    /// The probability for an already extracted vector.
    public func probability(_ vector: SparseFeatures) -> Double {
        Self.sigmoid(logit(vector))
    }

    /// Whether a request should go to the strong model, with the probability and threshold behind it.
    public func decide(_ features: RequestFeatures) -> DiscriminatorDecision {
        DiscriminatorDecision(probability: probability(features), threshold: threshold)
    }

    /// The logistic function, 1 / (1 + e^−z).
    static func sigmoid(_ z: Double) -> Double {
        1 / (1 + exp(-z))
    }
}
