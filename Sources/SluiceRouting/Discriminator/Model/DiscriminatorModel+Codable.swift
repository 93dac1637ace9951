/// The model file's JSON:
///
/// ```json
/// {"model": "logistic_regression", "extractor_version": 1, "dimensions": 65536,
///  "bias": -1.2, "threshold": 0.41, "calibration": {...},
///  "weights": {"indices": [40, 977, ...], "values": [0.31, -0.08, ...]}}
/// ```
///
/// Only nonzero weights are written, in index order. Decoding checks everything a decision relies on
/// (the extractor version, the dimensions, every index in range, finite numbers) and throws a
/// `DecodingError` otherwise; ``DiscriminatorFile`` turns that into a ``DiscriminatorFileError``.
extension DiscriminatorModel: Codable {
    /// The only kind of model this version writes.
    static let kind = "logistic_regression"

    enum CodingKeys: String, CodingKey {
        case model, dimensions, bias, threshold, calibration, weights
        case extractorVersion = "extractor_version"
    }

    private struct SparseWeights: Codable {
        var indices: [Int]
        var values: [Double]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decode(Int.self, forKey: .extractorVersion)
        guard version == FeatureExtractor.currentVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .extractorVersion, in: container,
                debugDescription: "made by feature extractor version \(version); this build uses \(FeatureExtractor.currentVersion)")
        }
        let kind = try container.decode(String.self, forKey: .model)
        guard kind == Self.kind else {
            throw DecodingError.dataCorruptedError(
                forKey: .model, in: container, debugDescription: "unknown model kind '\(kind)' (expected \(Self.kind))")
        }
        let dimensions = try container.decode(Int.self, forKey: .dimensions)
        guard FeatureExtractor.isValidDimensions(dimensions) else {
            throw DecodingError.dataCorruptedError(
                forKey: .dimensions, in: container, debugDescription: "\(dimensions) is not a power of two in 2^10...2^24")
        }
        let bias = try container.decode(Double.self, forKey: .bias)
        let threshold = try container.decode(Double.self, forKey: .threshold)
        guard bias.isFinite, threshold.isFinite else {
            throw DecodingError.dataCorruptedError(
                forKey: .bias, in: container, debugDescription: "bias and threshold must be finite numbers")
        }
        let sparse = try container.decode(SparseWeights.self, forKey: .weights)
        guard sparse.indices.count == sparse.values.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .weights, in: container,
                debugDescription: "\(sparse.indices.count) indices but \(sparse.values.count) values")
        }
        var weights = [Double](repeating: 0, count: dimensions)
        for (index, value) in zip(sparse.indices, sparse.values) {
            guard (0..<dimensions).contains(index), value.isFinite else {
                throw DecodingError.dataCorruptedError(
                    forKey: .weights, in: container,
                    debugDescription: "weight \(index) = \(value) is out of range or not finite")
            }
            weights[index] = value
        }
        self.init(
            extractor: FeatureExtractor(dimensions: dimensions), bias: bias, weights: weights, threshold: threshold,
            calibration: try container.decode(DiscriminatorCalibration.self, forKey: .calibration))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.kind, forKey: .model)
        try container.encode(extractorVersion, forKey: .extractorVersion)
        try container.encode(dimensions, forKey: .dimensions)
        try container.encode(bias, forKey: .bias)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(calibration, forKey: .calibration)
        var sparse = SparseWeights(indices: [], values: [])
        for (index, weight) in weights.enumerated() where weight != 0 {
            sparse.indices.append(index)
            sparse.values.append(weight)
        }
        try container.encode(sparse, forKey: .weights)
    }
}
