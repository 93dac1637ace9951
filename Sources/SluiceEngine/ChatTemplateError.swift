/// Why a chat template could not be loaded or rendered.
public enum ChatTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model has no `tokenizer.chat_template`.
    case missingTemplate
    /// The template source does not parse.
    case syntax(String)
    /// Rendering failed (type error, unknown filter, …).
    case render(String)
    /// The template itself rejected the input via `raise_exception` (e.g. roles out of order).
    case rejected(String)
    /// JSON text given to `TemplateValue(json:)` is malformed.
    case invalidJSON(String)

    public var description: String {
        switch self {
        case .missingTemplate: return "the model has no chat template (tokenizer.chat_template)"
        case .syntax(let message): return "chat template does not parse: \(message)"
        case .render(let message): return "chat template failed: \(message)"
        case .rejected(let message): return "chat template rejected the conversation: \(message)"
        case .invalidJSON(let message): return "invalid JSON: \(message)"
        }
    }

    init(_ error: JinjaError) {
        switch error {
        case .syntax(let message): self = .syntax(message)
        case .runtime(let message): self = .render(message)
        case .raised(let message): self = .rejected(message)
        }
    }
}
