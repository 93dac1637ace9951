/// Attribute access, subscripts, slices and the Python methods templates call on strings and dicts.
enum JinjaMethods {
    /// `value.name`: Python attribute first (methods), then item — Jinja's `getattr` order.
    static func attribute(_ value: JinjaValue, _ name: String) -> JinjaValue {
        switch value {
        case .object(let dict):
            if let method: JinjaCallable = dictMethod(dict, name) { return .callable(method) }
            return dict[name] ?? .undefined
        case .string(let text):
            if let method: JinjaCallable = stringMethod(text, name) { return .callable(method) }
            return .undefined
        case .namespace(let namespace):
            return namespace.values[name] ?? .undefined
        case .array(let items):
            if name == "count" || name == "index" {
                return .callable(JinjaCallable(name: name) { (arguments: [JinjaValue], _: [(String, JinjaValue)], _: JinjaRenderer) throws(JinjaError) -> JinjaValue in
                    guard let needle: JinjaValue = arguments.first else { throw JinjaError.runtime("\(name)() takes one argument") }
                    if name == "count" { return .int(items.filter { (item: JinjaValue) -> Bool in item.equals(needle) }.count) }
                    guard let found: Int = items.firstIndex(where: { (item: JinjaValue) -> Bool in item.equals(needle) }) else {
                        throw JinjaError.runtime("value is not in list")
                    }
                    return .int(found)
                })
            }
            return .undefined
        default:
            return .undefined
        }
    }

    /// `value[index]`: item first, then attribute — Jinja's `getitem` order.
    static func item(_ value: JinjaValue, _ index: JinjaValue) throws(JinjaError) -> JinjaValue {
        switch (value, index) {
        case (.array(let items), _):
            guard let position: Int = index.integer else { return .undefined }
            let resolved: Int = position < 0 ? items.count + position : position
            return items.indices.contains(resolved) ? items[resolved] : .undefined
        case (.string(let text), _):
            guard let position: Int = index.integer else { return .undefined }
            let scalars: [Unicode.Scalar] = Array(text.unicodeScalars)
            let resolved: Int = position < 0 ? scalars.count + position : position
            return scalars.indices.contains(resolved) ? .string(String(scalars[resolved])) : .undefined
        case (.object(let dict), .string(let key)):
            return dict[key] ?? attribute(value, key)
        case (.namespace, .string(let key)):
            return attribute(value, key)
        default:
            return .undefined
        }
    }

    /// `value[start:stop:step]` with Python semantics.
    static func slice(_ value: JinjaValue, start: JinjaValue?, stop: JinjaValue?, step: JinjaValue?) throws(JinjaError) -> JinjaValue {
        let stride: Int = step.flatMap(\.integer) ?? 1
        guard stride != 0 else { throw JinjaError.runtime("slice step cannot be zero") }
        func indices(_ count: Int) -> [Int] {
            func clamp(_ raw: Int?, _ defaultValue: Int) -> Int {
                guard let raw: Int = raw else { return defaultValue }
                var position: Int = raw < 0 ? raw + count : raw
                if stride > 0 {
                    position = min(max(position, 0), count)
                } else {
                    position = min(max(position, -1), count - 1)
                }
                return position
            }
            let from: Int = clamp(start.flatMap(\.integer), stride > 0 ? 0 : count - 1)
            let to: Int = clamp(stop.flatMap(\.integer), stride > 0 ? count : -1)
            var result: [Int] = []
            var position: Int = from
            while stride > 0 ? position < to : position > to {
                result.append(position)
                position += stride
            }
            return result
        }
        switch value {
        case .array(let items):
            return .array(indices(items.count).map { (position: Int) -> JinjaValue in items[position] })
        case .string(let text):
            let scalars: [Unicode.Scalar] = Array(text.unicodeScalars)
            var view: String.UnicodeScalarView = String.UnicodeScalarView()
            for position: Int in indices(scalars.count) { view.append(scalars[position]) }
            return .string(String(view))
        case .undefined:
            return .undefined
        default:
            throw JinjaError.runtime("'\(value.typeName)' object is not subscriptable")
        }
    }

    private static func method(_ name: String, _ body: @escaping ([JinjaValue], [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue) -> JinjaCallable {
        JinjaCallable(name: name) { (arguments: [JinjaValue], keywords: [(String, JinjaValue)], _: JinjaRenderer) throws(JinjaError) -> JinjaValue in
            try body(arguments, keywords)
        }
    }

    private static func argument(_ arguments: [JinjaValue], _ keywords: [(String, JinjaValue)], _ position: Int, _ name: String) -> JinjaValue? {
        if position < arguments.count { return arguments[position] }
        return keywords.first { (pair: (String, JinjaValue)) -> Bool in pair.0 == name }?.1
    }

    private static func optionalString(_ value: JinjaValue?) throws(JinjaError) -> String? {
        guard let value: JinjaValue = value else { return nil }
        switch value {
        case .none, .undefined: return nil
        case .string(let text): return text
        default: throw JinjaError.runtime("expected a string argument, got \(value.typeName)")
        }
    }

    static func stringMethod(_ text: String, _ name: String) -> JinjaCallable? {
        switch name {
        case "startswith", "endswith":
            return method(name) { (arguments: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in
                let candidates: [JinjaValue]
                switch arguments.first {
                case .string(let single)?: candidates = [.string(single)]
                case .array(let many)?: candidates = many
                default: throw JinjaError.runtime("\(name)() needs a string or a tuple of strings")
                }
                for candidate: JinjaValue in candidates {
                    guard case .string(let affix) = candidate else { continue }
                    if name == "startswith" ? JinjaStrings.hasPrefix(text, affix) : JinjaStrings.hasSuffix(text, affix) {
                        return .bool(true)
                    }
                }
                return .bool(false)
            }
        case "split", "rsplit":
            return method(name) { (arguments: [JinjaValue], keywords: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in
                let separator: String? = try optionalString(argument(arguments, keywords, 0, "sep"))
                let maxSplit: Int = argument(arguments, keywords, 1, "maxsplit")?.integer ?? -1
                if name == "rsplit" && maxSplit >= 0 {
                    // rsplit with a limit: split everything, then rejoin the leading surplus.
                    let all: [String] = try JinjaStrings.split(text, separator: separator, maxSplit: -1)
                    guard all.count > maxSplit + 1, let separator: String = separator else {
                        return .array(all.map { (part: String) -> JinjaValue in .string(part) })
                    }
                    let headCount: Int = all.count - maxSplit
                    let head: String = all[0..<headCount].joined(separator: separator)
                    return .array(([head] + all[headCount...]).map { (part: String) -> JinjaValue in .string(part) })
                }
                return .array(try JinjaStrings.split(text, separator: separator, maxSplit: maxSplit).map { (part: String) -> JinjaValue in .string(part) })
            }
        case "strip", "lstrip", "rstrip":
            return method(name) { (arguments: [JinjaValue], keywords: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in
                let characters: String? = try optionalString(argument(arguments, keywords, 0, "chars"))
                return .string(JinjaStrings.strip(text, characters: characters, leading: name != "rstrip", trailing: name != "lstrip"))
            }
        case "replace":
            return method(name) { (arguments: [JinjaValue], keywords: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in
                guard case .string(let old)? = argument(arguments, keywords, 0, "old"),
                    case .string(let new)? = argument(arguments, keywords, 1, "new")
                else { throw JinjaError.runtime("replace() needs two strings") }
                let count: Int = argument(arguments, keywords, 2, "count")?.integer ?? -1
                return .string(JinjaStrings.replace(text, old, new, count: count))
            }
        case "upper": return method(name) { (_: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in .string(text.uppercased()) }
        case "lower": return method(name) { (_: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in .string(text.lowercased()) }
        case "title": return method(name) { (_: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in .string(JinjaStrings.title(text)) }
        case "capitalize":
            return method(name) { (_: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in .string(JinjaStrings.capitalize(text)) }
        case "find", "index", "count":
            return method(name) { (arguments: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in
                guard case .string(let needle)? = arguments.first else { throw JinjaError.runtime("\(name)() needs a string") }
                if name == "count" {
                    if needle.isEmpty { return .int(text.unicodeScalars.count + 1) }
                    return .int(try JinjaStrings.split(text, separator: needle, maxSplit: -1).count - 1)
                }
                guard let offset: Int = JinjaStrings.find(needle, in: text) else {
                    if name == "index" { throw JinjaError.runtime("substring not found") }
                    return .int(-1)
                }
                // Convert the byte offset to a code point index.
                return .int(String(decoding: Array(text.utf8)[..<offset], as: UTF8.self).unicodeScalars.count)
            }
        case "join":
            return method(name) { (arguments: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in
                guard let items: JinjaValue = arguments.first else { throw JinjaError.runtime("join() needs an iterable") }
                return .string(try items.iterate().map(\.text).joined(separator: text))
            }
        case "splitlines":
            return method(name) { (_: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in
                var lines: [String] = try JinjaStrings.split(JinjaStrings.replace(JinjaStrings.replace(text, "\r\n", "\n", count: -1), "\r", "\n", count: -1), separator: "\n", maxSplit: -1)
                if lines.last == "" { lines.removeLast() }
                return .array(lines.map { (line: String) -> JinjaValue in .string(line) })
            }
        case "isdigit", "isalpha", "isspace", "isupper", "islower":
            return method(name) { (_: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in
                let scalars: String.UnicodeScalarView = text.unicodeScalars
                guard !scalars.isEmpty else { return .bool(false) }
                switch name {
                case "isdigit": return .bool(scalars.allSatisfy { (scalar: Unicode.Scalar) -> Bool in scalar.properties.numericType != nil })
                case "isalpha": return .bool(scalars.allSatisfy(\.properties.isAlphabetic))
                case "isspace": return .bool(scalars.allSatisfy(JinjaStrings.isSpace))
                case "isupper": return .bool(text == text.uppercased() && text != text.lowercased())
                default: return .bool(text == text.lowercased() && text != text.uppercased())
                }
            }
        default:
            return nil
        }
    }

    static func dictMethod(_ dict: JinjaDict, _ name: String) -> JinjaCallable? {
        switch name {
        case "get":
            return method(name) { (arguments: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in
                guard case .string(let key)? = arguments.first else { return arguments.count > 1 ? arguments[1] : .none }
                return dict[key] ?? (arguments.count > 1 ? arguments[1] : .none)
            }
        case "items":
            return method(name) { (_: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in
                .array(dict.entries.map { (key: String, value: JinjaValue) -> JinjaValue in .array([.string(key), value]) })
            }
        case "keys":
            return method(name) { (_: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in
                .array(dict.keys.map { (key: String) -> JinjaValue in .string(key) })
            }
        case "values":
            return method(name) { (_: [JinjaValue], _: [(String, JinjaValue)]) throws(JinjaError) -> JinjaValue in
                .array(dict.entries.map { (_: String, value: JinjaValue) -> JinjaValue in value })
            }
        default:
            return nil
        }
    }
}
