/// `stop`: one string or a list of up to four.
public struct StopSequences: Sendable, Hashable {
    public var values: [String]

    public init(_ values: [String]) { self.values = values }
}

extension StopSequences: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(String.self) {
            values = [single]
        } else {
            values = try container.decode([String].self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}
