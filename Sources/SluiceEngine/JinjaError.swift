/// A template that cannot be parsed or evaluated.
enum JinjaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template source is malformed.
    case syntax(String)
    /// Evaluation failed (type errors, unknown filters, calling a non-function, …).
    case runtime(String)
    /// The template called `raise_exception(message)`.
    case raised(String)

    var description: String {
        switch self {
        case .syntax(let message): return "template syntax error: \(message)"
        case .runtime(let message): return "template error: \(message)"
        case .raised(let message): return "template raised: \(message)"
        }
    }
}
