/// Why a JSON Schema cannot be used to constrain decoding, or why a constrained run cannot start.
///
/// Paths are JSON pointers into the schema (`/properties/a`); the root is shown as `/`.
public enum JSONSchemaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A keyword the compiler does not implement (the output could not be guaranteed to validate).
    case unsupportedKeyword(String, path: String)
    /// A supported keyword with a value outside what the compiler handles (e.g. `maxItems` too large).
    case unsupportedValue(keyword: String, path: String, reason: String)
    /// The schema is malformed (e.g. `type` is not a known type name).
    case invalidSchema(path: String, reason: String)
    /// No finite JSON document validates against the schema.
    case unsatisfiable(path: String, reason: String)
    /// `maxTokens` is smaller than the shortest valid output (prefix, document and suffix) needs.
    case budgetTooSmall(needed: Int, available: Int)

    /// The keyword the error is about, when there is one.
    public var keyword: String? {
        switch self {
        case .unsupportedKeyword(let keyword, _): return keyword
        case .unsupportedValue(let keyword, _, _): return keyword
        default: return nil
        }
    }

    /// The JSON pointer of the schema object at fault, when there is one.
    public var path: String? {
        switch self {
        case .unsupportedKeyword(_, let path), .unsupportedValue(_, let path, _), .invalidSchema(let path, _),
            .unsatisfiable(let path, _):
            return path
        case .budgetTooSmall:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .unsupportedKeyword(let keyword, let path):
            return "unsupported schema keyword '\(keyword)' at \(Self.show(path))"
        case .unsupportedValue(let keyword, let path, let reason):
            return "unsupported value for schema keyword '\(keyword)' at \(Self.show(path)): \(reason)"
        case .invalidSchema(let path, let reason):
            return "invalid schema at \(Self.show(path)): \(reason)"
        case .unsatisfiable(let path, let reason):
            return "schema at \(Self.show(path)) has no finite valid instance: \(reason)"
        case .budgetTooSmall(let needed, let available):
            return "the shortest valid output needs \(needed) tokens, but at most \(available) may be generated"
        }
    }

    static func show(_ path: String) -> String { path.isEmpty ? "/" : path }
}
