import Foundation

/// Jinja filters (`value | name(args)`), with the semantics of Jinja 2/3 and Hugging Face's `tojson`.
enum JinjaFilters {
    static func apply(
        _ name: String, to value: JinjaValue, arguments: [JinjaValue], keywords: [(String, JinjaValue)],
        renderer: JinjaRenderer
    ) throws(JinjaError) -> JinjaValue {
        func argument(_ position: Int, _ key: String) -> JinjaValue? {
            if position < arguments.count { return arguments[position] }
            return keywords.first { (pair: (String, JinjaValue)) -> Bool in pair.0 == key }?.1
        }
        switch name {
        case "length", "count":
            switch value {
            case .string(let text): return .int(text.unicodeScalars.count)
            case .array(let items): return .int(items.count)
            case .object(let dict): return .int(dict.count)
            case .namespace(let namespace): return .int(namespace.values.count)
            case .undefined: return .int(0)
            default: throw JinjaError.runtime("object of type '\(value.typeName)' has no len()")
            }
        case "string":
            return .string(value.text)
        case "trim":
            let characters: String? = argument(0, "chars").flatMap { (chars: JinjaValue) -> String? in
                if case .string(let text) = chars { return text }
                return nil
            }
            return .string(JinjaStrings.strip(value.text, characters: characters, leading: true, trailing: true))
        case "upper": return .string(value.text.uppercased())
        case "lower": return .string(value.text.lowercased())
        case "capitalize": return .string(JinjaStrings.capitalize(value.text))
        case "title": return .string(JinjaStrings.title(value.text))
        case "safe": return value
        case "escape", "e", "forceescape":
            var text: String = value.text
            for (raw, escaped): (String, String) in [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&#34;"), ("'", "&#39;")] {
                text = JinjaStrings.replace(text, raw, escaped, count: -1)
            }
            return .string(text)
        case "replace":
            guard case .string(let old)? = argument(0, "old"), case .string(let new)? = argument(1, "new") else {
                throw JinjaError.runtime("replace needs two strings")
            }
            let count: Int = argument(2, "count")?.integer ?? -1
            return .string(JinjaStrings.replace(value.text, old, new, count: count))
        case "tojson":
            let indent: Int? = argument(0, "indent")?.integer
            let sortKeys: Bool = argument(3, "sort_keys")?.isTruthy ?? false
            var itemSeparator: String? = nil
            var keySeparator: String? = nil
            if case .array(let separators)? = argument(2, "separators"), separators.count == 2 {
                itemSeparator = separators[0].text
                keySeparator = separators[1].text
            }
            return .string(try JinjaJSON.encode(value, indent: indent, itemSeparator: itemSeparator, keySeparator: keySeparator, sortKeys: sortKeys))
        case "items":
            switch value {
            case .object(let dict):
                return .array(dict.entries.map { (key: String, item: JinjaValue) -> JinjaValue in .array([.string(key), item]) })
            case .namespace(let namespace):
                return .array(namespace.values.entries.map { (key: String, item: JinjaValue) -> JinjaValue in .array([.string(key), item]) })
            case .undefined, .none:
                return .array([])
            default:
                throw JinjaError.runtime("items filter needs a mapping, got \(value.typeName)")
            }
        case "list":
            return .array(try value.iterate())
        case "first":
            return try value.iterate().first ?? .undefined
        case "last":
            return try value.iterate().last ?? .undefined
        case "reverse":
            if case .string(let text) = value { return .string(String(String.UnicodeScalarView(text.unicodeScalars.reversed()))) }
            return .array(try value.iterate().reversed())
        case "default", "d":
            let fallback: JinjaValue = argument(0, "default_value") ?? .string("")
            let boolean: Bool = argument(1, "boolean")?.isTruthy ?? false
            if value.isUndefined || (boolean && !value.isTruthy) { return fallback }
            return value
        case "join":
            let separator: String = argument(0, "d")?.text ?? ""
            var items: [JinjaValue] = try value.iterate()
            if let attributeName: JinjaValue = argument(1, "attribute") {
                items = items.map { (item: JinjaValue) -> JinjaValue in lookupPath(item, attributeName.text) }
            }
            return .string(items.map(\.text).joined(separator: separator))
        case "selectattr", "rejectattr":
            guard case .string(let path)? = arguments.first else { throw JinjaError.runtime("\(name) needs an attribute name") }
            let keep: Bool = name == "selectattr"
            var result: [JinjaValue] = []
            for item: JinjaValue in try value.iterate() {
                let attributeValue: JinjaValue = lookupPath(item, path)
                let passed: Bool
                if arguments.count > 1, case .string(let test) = arguments[1] {
                    passed = try JinjaPredicates.apply(test, to: attributeValue, arguments: Array(arguments.dropFirst(2)))
                } else {
                    passed = attributeValue.isTruthy
                }
                if passed == keep { result.append(item) }
            }
            return .array(result)
        case "select", "reject":
            let keep: Bool = name == "select"
            var result: [JinjaValue] = []
            for item: JinjaValue in try value.iterate() {
                let passed: Bool
                if case .string(let test)? = arguments.first {
                    passed = try JinjaPredicates.apply(test, to: item, arguments: Array(arguments.dropFirst()))
                } else {
                    passed = item.isTruthy
                }
                if passed == keep { result.append(item) }
            }
            return .array(result)
        case "map":
            let items: [JinjaValue] = try value.iterate()
            if let path: JinjaValue = keywords.first(where: { (pair: (String, JinjaValue)) -> Bool in pair.0 == "attribute" })?.1 {
                let fallback: JinjaValue? = keywords.first { (pair: (String, JinjaValue)) -> Bool in pair.0 == "default" }?.1
                return .array(items.map { (item: JinjaValue) -> JinjaValue in
                    let found: JinjaValue = lookupPath(item, path.text)
                    if found.isUndefined, let fallback: JinjaValue = fallback { return fallback }
                    return found
                })
            }
            guard case .string(let filter)? = arguments.first else { throw JinjaError.runtime("map needs a filter name or attribute=") }
            var mapped: [JinjaValue] = []
            for item: JinjaValue in items {
                mapped.append(try apply(filter, to: item, arguments: Array(arguments.dropFirst()), keywords: [], renderer: renderer))
            }
            return .array(mapped)
        case "unique":
            var result: [JinjaValue] = []
            for item: JinjaValue in try value.iterate() where !result.contains(where: { (seen: JinjaValue) -> Bool in seen.equals(item) }) {
                result.append(item)
            }
            return .array(result)
        case "sort":
            let reverse: Bool = argument(0, "reverse")?.isTruthy ?? false
            let path: String? = keywords.first { (pair: (String, JinjaValue)) -> Bool in pair.0 == "attribute" }?.1.text
            var items: [JinjaValue] = try value.iterate()
            var failure: JinjaError? = nil
            items.sort { (a: JinjaValue, b: JinjaValue) -> Bool in
                let left: JinjaValue = path.map { (key: String) -> JinjaValue in lookupPath(a, key) } ?? a
                let right: JinjaValue = path.map { (key: String) -> JinjaValue in lookupPath(b, key) } ?? b
                do throws(JinjaError) {
                    return try JinjaOperators.apply(reverse ? ">" : "<", left, right).isTruthy
                } catch {
                    failure = error
                    return false
                }
            }
            if let failure: JinjaError = failure { throw failure }
            return .array(items)
        case "dictsort":
            guard case .object(let dict) = value else { throw JinjaError.runtime("dictsort needs a mapping") }
            let sorted: [(key: String, value: JinjaValue)] = dict.entries.sorted { (a: (key: String, value: JinjaValue), b: (key: String, value: JinjaValue)) -> Bool in
                a.key.lowercased() < b.key.lowercased()
            }
            return .array(sorted.map { (key: String, item: JinjaValue) -> JinjaValue in .array([.string(key), item]) })
        case "int":
            switch value {
            case .int: return value
            case .bool(let flag): return .int(flag ? 1 : 0)
            case .double(let number): return .int(Int(number))
            case .string(let text):
                if let number: Int = Int(JinjaStrings.strip(text, characters: nil, leading: true, trailing: true)) { return .int(number) }
                if let number: Double = Double(JinjaStrings.strip(text, characters: nil, leading: true, trailing: true)) { return .int(Int(number)) }
                return argument(0, "default") ?? .int(0)
            default: return argument(0, "default") ?? .int(0)
            }
        case "float":
            if let number: Double = value.number { return .double(number) }
            if case .string(let text) = value, let number: Double = Double(JinjaStrings.strip(text, characters: nil, leading: true, trailing: true)) {
                return .double(number)
            }
            return argument(0, "default") ?? .double(0)
        case "abs":
            if case .int(let number) = value { return .int(Swift.abs(number)) }
            if let number: Double = value.number { return .double(Swift.abs(number)) }
            throw JinjaError.runtime("bad operand type for abs(): '\(value.typeName)'")
        case "round":
            guard let number: Double = value.number else { throw JinjaError.runtime("round needs a number") }
            let precision: Int = argument(0, "precision")?.integer ?? 0
            let method: String = argument(1, "method")?.text ?? "common"
            let scale: Double = Foundation.pow(10, Double(precision))
            let rule: FloatingPointRoundingRule = method == "ceil" ? .up : (method == "floor" ? .down : .toNearestOrAwayFromZero)
            return .double((number * scale).rounded(rule) / scale)
        case "sum":
            var total: JinjaValue = argument(1, "start") ?? .int(0)
            let path: String? = keywords.first { (pair: (String, JinjaValue)) -> Bool in pair.0 == "attribute" }?.1.text
            for item: JinjaValue in try value.iterate() {
                total = try JinjaOperators.apply("+", total, path.map { (key: String) -> JinjaValue in lookupPath(item, key) } ?? item)
            }
            return total
        case "min", "max":
            let items: [JinjaValue] = try value.iterate()
            guard var best: JinjaValue = items.first else { return .undefined }
            for item: JinjaValue in items.dropFirst() where try JinjaOperators.apply(name == "min" ? "<" : ">", item, best).isTruthy {
                best = item
            }
            return best
        case "attr":
            return JinjaMethods.attribute(value, argument(0, "name")?.text ?? "")
        case "wordcount":
            // Runs of word characters (`\w+`), as Jinja counts them.
            var words: Int = 0
            var inWord: Bool = false
            for scalar: Unicode.Scalar in value.text.unicodeScalars {
                let isWord: Bool = scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                if isWord && !inWord { words += 1 }
                inWord = isWord
            }
            return .int(words)
        case "indent":
            return .string(try indent(value.text, width: argument(0, "width") ?? .int(4), first: argument(1, "first")?.isTruthy ?? false, blank: argument(2, "blank")?.isTruthy ?? false))
        default:
            throw JinjaError.runtime("no filter named '\(name)'")
        }
    }

    /// `item.a.b` for dotted attribute paths used by `map`, `selectattr`, `join`, `sort`.
    private static func lookupPath(_ item: JinjaValue, _ path: String) -> JinjaValue {
        var current: JinjaValue = item
        for part: Substring in path.split(separator: ".", omittingEmptySubsequences: false) {
            if let index: Int = Int(part), case .array = current {
                current = (try? JinjaMethods.item(current, .int(index))) ?? .undefined
            } else {
                current = (try? JinjaMethods.item(current, .string(String(part)))) ?? .undefined
            }
        }
        return current
    }

    /// Jinja's `indent` filter.
    private static func indent(_ text: String, width: JinjaValue, first: Bool, blank: Bool) throws(JinjaError) -> String {
        let indentation: String
        if case .string(let custom) = width {
            indentation = custom
        } else {
            indentation = String(repeating: " ", count: width.integer ?? 4)
        }
        var lines: [String] = try JinjaStrings.split(text + "\n", separator: "\n", maxSplit: -1)
        if lines.last == "" { lines.removeLast() }
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + indentation)
        } else {
            result = lines.isEmpty ? "" : lines.removeFirst()
            if !lines.isEmpty {
                result += "\n" + lines.map { (line: String) -> String in line.isEmpty ? line : indentation + line }.joined(separator: "\n")
            }
        }
        if first { result = indentation + result }
        return result
    }
}
