/// JSON-like data passed to chat templates: messages, tools and extra variables.
///
/// Objects keep their key order (it shows in `tojson` output, e.g. tool schemas). Build values with literals
/// (`["role": "user", "content": "Hi"]`) or parse JSON text with `TemplateValue(json:)`.
public enum TemplateValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([TemplateValue])
    case object(TemplateObject)

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The object, if this is one.
    public var objectValue: TemplateObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [TemplateValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// Member lookup on objects (nil for other values or missing keys).
    public subscript(key: String) -> TemplateValue? {
        objectValue?[key]
    }

    /// The runtime value the interpreter works with.
    var jinjaValue: JinjaValue {
        switch self {
        case .null: return .none
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .double(let value): return .double(value)
        case .string(let value): return .string(value)
        case .array(let items): return .array(items.map(\.jinjaValue))
        case .object(let object):
            return .object(JinjaDict(object.entries.map { (key: String, value: TemplateValue) -> (String, JinjaValue) in (key, value.jinjaValue) }))
        }
    }
}

/// An object with insertion-ordered keys.
public struct TemplateObject: Sendable, Equatable {
    /// Keys in insertion order.
    public private(set) var keys: [String] = []
    private var storage: [String: TemplateValue] = [:]

    /// An empty object.
    public init() {}

    /// An object with these entries, in order (a repeated key keeps its first position and last value).
    public init(_ entries: [(String, TemplateValue)]) {
        for (key, value): (String, TemplateValue) in entries { self[key] = value }
    }

    /// Entries in key order.
    public var entries: [(key: String, value: TemplateValue)] {
        keys.map { (key: String) -> (key: String, value: TemplateValue) in (key, storage[key]!) }
    }

    public var count: Int { keys.count }

    /// Reads, replaces (keeping the position), appends, or with nil removes a key.
    public subscript(key: String) -> TemplateValue? {
        get { storage[key] }
        set {
            if let value: TemplateValue = newValue {
                if storage.updateValue(value, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { (existing: String) -> Bool in existing == key }
            }
        }
    }

    /// Equal when the same keys map to equal values; key order is ignored, as in JSON.
    public static func == (lhs: TemplateObject, rhs: TemplateObject) -> Bool {
        lhs.storage == rhs.storage
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) { self = .object(TemplateObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}

extension TemplateObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, TemplateValue)...) { self.init(elements) }
}
