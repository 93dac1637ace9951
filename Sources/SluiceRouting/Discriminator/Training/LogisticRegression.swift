import Foundation

/// Fits L2-regularised logistic regression on sparse vectors with AdaGrad: per-coordinate step sizes
/// that shrink as a feature's squared gradients add up, so rare n-grams still learn quickly.
///
/// Deterministic: the example order of each epoch comes from a seeded shuffle, and the arithmetic
/// is done in that order. The L2 penalty is applied to the coordinates an example touches (the usual
/// lazy form for sparse data); the bias is not penalised.
struct LogisticRegression {
    var dimensions: Int
    var epochs: Int
    var learningRate: Double
    var l2: Double

    /// The fitted bias and weights.
    func fit(
        _ vectors: [SparseFeatures], labels: [Bool], random: inout SplitMix64
    ) -> (bias: Double, weights: [Double]) {
        var weights = [Double](repeating: 0, count: dimensions)
        var squaredGradients = [Double](repeating: 0, count: dimensions)
        var bias = 0.0
        var biasSquaredGradient = 0.0
        let epsilon = 1e-8
        var order = Array(vectors.indices)
        for _ in 0..<epochs {
            random.shuffle(&order)
            for example in order {
                let vector = vectors[example]
                let z = bias + vector.dot(weights)
                let error = DiscriminatorModel.sigmoid(z) - (labels[example] ? 1 : 0)
                for k in vector.indices.indices {
                    let index = vector.indices[k]
                    let gradient = error * vector.values[k] + l2 * weights[index]
                    squaredGradients[index] += gradient * gradient
                    weights[index] -= learningRate * gradient / (squaredGradients[index].squareRoot() + epsilon)
                }
                biasSquaredGradient += error * error
                bias -= learningRate * error / (biasSquaredGradient.squareRoot() + epsilon)
            }
        }
        return (bias, weights)
    }
}
