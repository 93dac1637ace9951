/// One part of a multi-part message content array.
public enum ContentPart: Sendable, Hashable {
    /// `{"type":"text","text":...}`
    case text(String)
    /// `{"type":"image_url","image_url":{"url":...,"detail":...}}`; the URL may be a `data:` URL.
    case imageURL(ImageURL)
    /// `{"type":"input_audio","input_audio":{"data":...,"format":...}}`
    case inputAudio(data: String, format: String)
    /// Any other part type (`file`, `refusal`, vendor extensions), kept verbatim.
    case other(JSONValue)

    /// An image reference inside a content part.
    public struct ImageURL: Codable, Sendable, Hashable {
        public var url: String
        public var detail: String?

        public init(url: String, detail: String? = nil) {
            self.url = url
            self.detail = detail
        }
    }
}

extension ContentPart: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, text, imageURL = "image_url", inputAudio = "input_audio"
    }

    private struct InputAudio: Codable {
        var data: String
        var format: String
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text":
            self = .text(try container.decode(String.self, forKey: .text))
        case "image_url":
            self = .imageURL(try container.decode(ImageURL.self, forKey: .imageURL))
        case "input_audio":
            let audio = try container.decode(InputAudio.self, forKey: .inputAudio)
            self = .inputAudio(data: audio.data, format: audio.format)
        default:
            self = .other(try JSONValue(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .text(let text):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .imageURL(let image):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("image_url", forKey: .type)
            try container.encode(image, forKey: .imageURL)
        case .inputAudio(let data, let format):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("input_audio", forKey: .type)
            try container.encode(InputAudio(data: data, format: format), forKey: .inputAudio)
        case .other(let value):
            try value.encode(to: encoder)
        }
    }
}
