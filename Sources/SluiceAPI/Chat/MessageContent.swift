/// The `content` of a chat message: a plain string or an array of typed parts.
public enum MessageContent: Sendable, Hashable {
    case text(String)
    case parts([ContentPart])

    /// All text in the content, parts joined without separators; images and audio are skipped.
    public var text: String {
        switch self {
        case .text(let text):
            return text
        case .parts(let parts):
            var result = ""
            for case .text(let text) in parts { result += text }
            return result
        }
    }

    /// Whether any part is an image.
    public var hasImage: Bool {
        guard case .parts(let parts) = self else { return false }
        return parts.contains { if case .imageURL = $0 { true } else { false } }
    }

    /// The content as an array of parts (a string becomes one text part).
    public var asParts: [ContentPart] {
        switch self {
        case .text(let text): return [.text(text)]
        case .parts(let parts): return parts
        }
    }
}

extension MessageContent: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .parts(try container.decode([ContentPart].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .parts(let parts): try container.encode(parts)
        }
    }
}
