/// Why a discriminator could not be trained.
public enum DiscriminatorTrainingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The cost target cannot be used (see ``CostTarget/problem``).
    case invalidTarget(String)
    /// A trainer setting is out of range.
    case invalidSetting(String)
    /// Too few examples to fit and calibrate.
    case tooFewExamples(count: Int, needed: Int)
    /// The training part holds only one class (`needsStrong` says which), so there is nothing to learn.
    case oneClass(needsStrong: Bool)

    public var description: String {
        switch self {
        case .invalidTarget(let reason):
            return "invalid cost target: \(reason)"
        case .invalidSetting(let reason):
            return "invalid trainer setting: \(reason)"
        case .tooFewExamples(let count, let needed):
            return "\(count) labelled examples are too few; at least \(needed) are needed"
        case .oneClass(let needsStrong):
            return "every training example is labelled \(needsStrong ? 1 : 0) (\(needsStrong ? "strong" : "weak") model); "
                + "a classifier needs examples of both"
        }
    }
}
