import Foundation

/// A value while a template runs: JSON-like data plus Jinja's undefined, namespaces and callables.
enum JinjaValue {
    case undefined
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JinjaValue])
    case object(JinjaDict)
    /// `namespace(...)`: a mutable attribute bag shared by reference.
    case namespace(JinjaNamespace)
    case callable(JinjaCallable)

    init(_ literal: JinjaLiteral) {
        switch literal {
        case .none: self = .none
        case .bool(let value): self = .bool(value)
        case .int(let value): self = .int(value)
        case .double(let value): self = .double(value)
        case .string(let value): self = .string(value)
        }
    }

    /// Python truthiness.
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .double(let value): return value != 0
        case .string(let value): return !value.isEmpty
        case .array(let items): return !items.isEmpty
        case .object(let dict): return !dict.isEmpty
        case .namespace, .callable: return true
        }
    }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// Python type name, for error messages.
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        case .namespace: return "Namespace"
        case .callable: return "function"
        }
    }

    /// A numeric view (bools count as numbers, as in Python).
    var number: Double? {
        switch self {
        case .bool(let value): return value ? 1 : 0
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    var integer: Int? {
        switch self {
        case .bool(let value): return value ? 1 : 0
        case .int(let value): return value
        default: return nil
        }
    }

    /// `str(value)` as Jinja prints it.
    var text: String {
        switch self {
        case .undefined: return ""
        case .string(let value): return value
        default: return repr
        }
    }

    /// Python `repr`.
    var repr: String {
        switch self {
        case .undefined: return ""
        case .none: return "None"
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return String(value)
        case .double(let value): return Self.pythonFloat(value)
        case .string(let value): return Self.pythonStringRepr(value)
        case .array(let items): return "[" + items.map(\.repr).joined(separator: ", ") + "]"
        case .object(let dict):
            return "{" + dict.entries.map { (key: String, value: JinjaValue) -> String in
                Self.pythonStringRepr(key) + ": " + value.repr
            }.joined(separator: ", ") + "}"
        case .namespace(let namespace):
            return "<Namespace " + JinjaValue.object(namespace.values).repr + ">"
        case .callable(let callable): return "<function \(callable.name)>"
        }
    }

    /// Iteration as in Python: list items, dict keys, string characters.
    func iterate() throws(JinjaError) -> [JinjaValue] {
        switch self {
        case .array(let items): return items
        case .object(let dict): return dict.keys.map { (key: String) -> JinjaValue in .string(key) }
        case .string(let value): return value.map { (character: Character) -> JinjaValue in .string(String(character)) }
        case .undefined: return []
        case .namespace(let namespace): return namespace.values.keys.map { (key: String) -> JinjaValue in .string(key) }
        default: throw JinjaError.runtime("'\(typeName)' object is not iterable")
        }
    }

    /// Python `==`.
    func equals(_ other: JinjaValue) -> Bool {
        switch (self, other) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { (pair: (JinjaValue, JinjaValue)) -> Bool in pair.0.equals(pair.1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.entries.allSatisfy { (key: String, value: JinjaValue) -> Bool in
                b[key].map { (other: JinjaValue) -> Bool in value.equals(other) } ?? false
            }
        case (.namespace(let a), .namespace(let b)): return a === b
        default:
            if let a: Double = number, let b: Double = other.number { return a == b }
            return false
        }
    }

    /// Python's float repr (shortest round-trip digits, `1.0` for integral values, `1e+16` style exponents).
    static func pythonFloat(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e16 {
            return String(format: "%.1f", value)
        }
        let swift: String = "\(value)"
        return swift
    }

    /// Python `repr` of a string: single quotes unless the text has a single quote and no double quote.
    static func pythonStringRepr(_ value: String) -> String {
        let quote: Character = value.contains("'") && !value.contains("\"") ? "\"" : "'"
        var result: String = String(quote)
        for scalar: Unicode.Scalar in value.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if Character(scalar) == quote {
                    result += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += String(format: "\\x%02x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        result.append(quote)
        return result
    }
}

/// An insertion-ordered string-keyed dictionary (Python dict semantics for templates).
struct JinjaDict {
    private(set) var keys: [String] = []
    private var storage: [String: JinjaValue] = [:]

    init() {}

    init(_ entries: [(String, JinjaValue)]) {
        for (key, value): (String, JinjaValue) in entries { self[key] = value }
    }

    var isEmpty: Bool { keys.isEmpty }
    var count: Int { keys.count }

    var entries: [(key: String, value: JinjaValue)] {
        keys.map { (key: String) -> (key: String, value: JinjaValue) in (key, storage[key]!) }
    }

    subscript(key: String) -> JinjaValue? {
        get { storage[key] }
        set {
            if let value: JinjaValue = newValue {
                if storage.updateValue(value, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { (existing: String) -> Bool in existing == key }
            }
        }
    }
}

/// The object behind `namespace(...)`.
final class JinjaNamespace {
    var values: JinjaDict

    init(_ values: JinjaDict) {
        self.values = values
    }
}

/// A function callable from templates (built-ins, bound methods, macros).
struct JinjaCallable {
    let name: String
    let body: (_ arguments: [JinjaValue], _ keywords: [(String, JinjaValue)], _ renderer: JinjaRenderer) throws(JinjaError) -> JinjaValue
}
