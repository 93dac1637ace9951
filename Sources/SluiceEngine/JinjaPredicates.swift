/// Jinja tests (`value is name(args)`): the predicates behind `is` and `select`/`selectattr`.
enum JinjaPredicates {
    static func apply(_ name: String, to value: JinjaValue, arguments: [JinjaValue]) throws(JinjaError) -> Bool {
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": return value.isNone
        case "boolean":
            if case .bool = value { return true }
            return false
        case "true":
            if case .bool(true) = value { return true }
            return false
        case "false":
            if case .bool(false) = value { return true }
            return false
        case "integer":
            if case .int = value { return true }
            return false
        case "float":
            if case .double = value { return true }
            return false
        case "number":
            switch value {
            case .int, .double, .bool: return true
            default: return false
            }
        case "string":
            if case .string = value { return true }
            return false
        case "mapping":
            switch value {
            case .object, .namespace: return true
            default: return false
            }
        case "iterable":
            switch value {
            case .array, .object, .string, .namespace: return true
            default: return false
            }
        case "sequence":
            switch value {
            case .array, .object, .string: return true
            default: return false
            }
        case "callable":
            if case .callable = value { return true }
            return false
        case "odd", "even":
            guard let number: Int = value.integer else { throw JinjaError.runtime("'\(name)' needs an integer") }
            return (number % 2 != 0) == (name == "odd")
        case "divisibleby":
            guard let number: Int = value.integer, let divisor: Int = arguments.first?.integer, divisor != 0 else {
                throw JinjaError.runtime("'divisibleby' needs integers")
            }
            return number % divisor == 0
        case "lower":
            guard case .string(let text) = value else { return false }
            return text == text.lowercased()
        case "upper":
            guard case .string(let text) = value else { return false }
            return text == text.uppercased()
        case "sameas":
            guard let other: JinjaValue = arguments.first else { return false }
            switch (value, other) {
            case (.none, .none), (.undefined, .undefined): return true
            case (.bool(let a), .bool(let b)): return a == b
            case (.namespace(let a), .namespace(let b)): return a === b
            default: return false
            }
        case "equalto", "eq", "==":
            return value.equals(arguments.first ?? .undefined)
        case "ne", "!=":
            return !value.equals(arguments.first ?? .undefined)
        case "lt", "<", "gt", ">", "le", "<=", "ge", ">=":
            let symbol: String = ["lt": "<", "gt": ">", "le": "<=", "ge": ">="][name] ?? name
            return try JinjaOperators.apply(symbol, value, arguments.first ?? .undefined).isTruthy
        case "in":
            return try JinjaOperators.contains(arguments.first ?? .undefined, value)
        default:
            throw JinjaError.runtime("no test named '\(name)'")
        }
    }
}
