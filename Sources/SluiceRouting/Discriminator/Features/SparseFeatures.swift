/// A sparse feature vector: the nonzero entries of a ``FeatureExtractor``'s output.
///
/// ``FeatureExtractor/extract(_:)`` returns entries sorted by index with each index once; a vector
/// built by hand may repeat an index, and then its values add up when scored.
public struct SparseFeatures: Sendable, Hashable {
    /// Feature indices, each in `0..<dimensions` of the extractor that made them.
    public var indices: [Int]
    /// The value of each index, in the same order.
    public var values: [Double]

    /// - Precondition: `indices` and `values` have the same count.
    public init(indices: [Int] = [], values: [Double] = []) {
        precondition(indices.count == values.count, "a sparse vector needs one value per index")
        self.indices = indices
        self.values = values
    }

    /// The number of entries.
    public var count: Int { indices.count }

    /// The value at `index` (summed if repeated), or 0.
    public subscript(index: Int) -> Double {
        var sum = 0.0
        for (i, value) in zip(indices, values) where i == index { sum += value }
        return sum
    }

    /// The dot product with dense weights: Σ weights[index] × value.
    ///
    /// - Precondition: every index is below `weights.count`.
    public func dot(_ weights: [Double]) -> Double {
        var sum = 0.0
        for k in indices.indices { sum += weights[indices[k]] * values[k] }
        return sum
    }
}
