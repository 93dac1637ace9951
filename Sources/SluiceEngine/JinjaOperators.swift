/// Binary operators with Python semantics.
enum JinjaOperators {
    static func apply(_ op: String, _ left: JinjaValue, _ right: JinjaValue) throws(JinjaError) -> JinjaValue {
        switch op {
        case "~":
            return .string(left.text + right.text)
        case "==":
            return .bool(left.equals(right))
        case "!=":
            return .bool(!left.equals(right))
        case "<", ">", "<=", ">=":
            return .bool(try compare(op, left, right))
        case "in":
            return .bool(try contains(right, left))
        case "not in":
            return .bool(!(try contains(right, left)))
        case "+":
            switch (left, right) {
            case (.string(let a), .string(let b)): return .string(a + b)
            case (.array(let a), .array(let b)): return .array(a + b)
            default: return try arithmetic(op, left, right)
            }
        case "*":
            if case .string(let text) = left, let count: Int = right.integer { return .string(String(repeating: text, count: max(0, count))) }
            if case .array(let items) = left, let count: Int = right.integer {
                return .array(Array(repeatElement(items, count: max(0, count)).joined()))
            }
            return try arithmetic(op, left, right)
        default:
            return try arithmetic(op, left, right)
        }
    }

    private static func arithmetic(_ op: String, _ left: JinjaValue, _ right: JinjaValue) throws(JinjaError) -> JinjaValue {
        if let a: Int = left.integer, let b: Int = right.integer {
            switch op {
            case "+": return .int(a &+ b)
            case "-": return .int(a &- b)
            case "*": return .int(a &* b)
            case "/":
                guard b != 0 else { throw JinjaError.runtime("division by zero") }
                return .double(Double(a) / Double(b))
            case "//":
                guard b != 0 else { throw JinjaError.runtime("integer division by zero") }
                return .int(Int((Double(a) / Double(b)).rounded(.down)))
            case "%":
                guard b != 0 else { throw JinjaError.runtime("modulo by zero") }
                let remainder: Int = a % b
                return .int(remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder)
            case "**":
                if b >= 0 {
                    var result: Int = 1
                    for _ in 0..<b { result = result &* a }
                    return .int(result)
                }
                return .double(Foundation.pow(Double(a), Double(b)))
            default: break
            }
        }
        if let a: Double = left.number, let b: Double = right.number {
            switch op {
            case "+": return .double(a + b)
            case "-": return .double(a - b)
            case "*": return .double(a * b)
            case "/":
                guard b != 0 else { throw JinjaError.runtime("division by zero") }
                return .double(a / b)
            case "//":
                guard b != 0 else { throw JinjaError.runtime("division by zero") }
                return .double((a / b).rounded(.down))
            case "%":
                guard b != 0 else { throw JinjaError.runtime("modulo by zero") }
                let remainder: Double = a.truncatingRemainder(dividingBy: b)
                return .double(remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder)
            case "**": return .double(Foundation.pow(a, b))
            default: break
            }
        }
        throw JinjaError.runtime("unsupported operand type(s) for \(op): '\(left.typeName)' and '\(right.typeName)'")
    }

    private static func compare(_ op: String, _ left: JinjaValue, _ right: JinjaValue) throws(JinjaError) -> Bool {
        if let a: Double = left.number, let b: Double = right.number {
            switch op {
            case "<": return a < b
            case ">": return a > b
            case "<=": return a <= b
            default: return a >= b
            }
        }
        if case .string(let a) = left, case .string(let b) = right {
            // Python compares strings by code point.
            let x: [UInt32] = a.unicodeScalars.map(\.value)
            let y: [UInt32] = b.unicodeScalars.map(\.value)
            switch op {
            case "<": return x.lexicographicallyPrecedes(y)
            case ">": return y.lexicographicallyPrecedes(x)
            case "<=": return !y.lexicographicallyPrecedes(x)
            default: return !x.lexicographicallyPrecedes(y)
            }
        }
        throw JinjaError.runtime("'\(op)' not supported between '\(left.typeName)' and '\(right.typeName)'")
    }

    /// Python `needle in container`.
    static func contains(_ container: JinjaValue, _ needle: JinjaValue) throws(JinjaError) -> Bool {
        switch container {
        case .string(let text):
            guard case .string(let part) = needle else {
                throw JinjaError.runtime("'in <string>' requires string as left operand, not \(needle.typeName)")
            }
            return JinjaStrings.find(part, in: text) != nil
        case .array(let items):
            return items.contains { (item: JinjaValue) -> Bool in item.equals(needle) }
        case .object(let dict):
            guard case .string(let key) = needle else { return false }
            return dict[key] != nil
        case .namespace(let namespace):
            guard case .string(let key) = needle else { return false }
            return namespace.values[key] != nil
        case .undefined:
            return false
        default:
            throw JinjaError.runtime("argument of type '\(container.typeName)' is not iterable")
        }
    }
}

import Foundation
