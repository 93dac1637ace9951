/// Why a model file could not be loaded or saved.
public enum DiscriminatorFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read (missing, no permission).
    case unreadable(path: String, reason: String)
    /// The file is not a valid model.
    case malformed(path: String, reason: String)
    /// The model was trained on another version of the features, so its weights mean nothing here.
    case extractorVersionMismatch(path: String, found: Int, expected: Int)
    /// The file could not be written.
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read router model \(path): \(reason)"
        case .malformed(let path, let reason):
            return "router model \(path) is not valid: \(reason)"
        case .extractorVersionMismatch(let path, let found, let expected):
            return "router model \(path) was trained on feature extractor version \(found), but this Sluice "
                + "uses version \(expected); retrain it with `sluice router train`"
        case .unwritable(let path, let reason):
            return "cannot write router model \(path): \(reason)"
        }
    }
}
