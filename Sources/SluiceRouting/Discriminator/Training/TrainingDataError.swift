/// Why a labelled data file could not be read or written.
public enum TrainingDataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// A line (numbered from 1) is not a valid example.
    case badLine(line: Int, reason: String)
    /// An example (numbered from 0) cannot be written as JSON.
    case unencodable(example: Int, reason: String)
    /// The file could not be written.
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .badLine(let line, let reason): return "line \(line): \(reason)"
        case .unencodable(let example, let reason): return "example \(example) cannot be written as JSON: \(reason)"
        case .unwritable(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}
