/// `tojson` as Hugging Face chat templates define it: Python
/// `json.dumps(value, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)`.
enum JinjaJSON {
    static func encode(
        _ value: JinjaValue, indent: Int?, itemSeparator: String? = nil, keySeparator: String? = nil,
        sortKeys: Bool = false
    ) throws(JinjaError) -> String {
        var output: String = ""
        let items: String = itemSeparator ?? (indent == nil ? ", " : ",")
        let keys: String = keySeparator ?? ": "
        try write(value, into: &output, indent: indent, level: 0, items: items, keys: keys, sortKeys: sortKeys)
        return output
    }

    private static func write(
        _ value: JinjaValue, into output: inout String, indent: Int?, level: Int, items: String, keys: String,
        sortKeys: Bool
    ) throws(JinjaError) {
        switch value {
        case .undefined, .none:
            output += "null"
        case .bool(let flag):
            output += flag ? "true" : "false"
        case .int(let number):
            output += String(number)
        case .double(let number):
            if number.isNaN {
                output += "NaN"
            } else if number.isInfinite {
                output += number < 0 ? "-Infinity" : "Infinity"
            } else {
                output += JinjaValue.pythonFloat(number)
            }
        case .string(let text):
            writeString(text, into: &output)
        case .array(let elements):
            if elements.isEmpty {
                output += "[]"
                return
            }
            output += "["
            for (index, element): (Int, JinjaValue) in elements.enumerated() {
                if index > 0 { output += items }
                newline(&output, indent: indent, level: level + 1)
                try write(element, into: &output, indent: indent, level: level + 1, items: items, keys: keys, sortKeys: sortKeys)
            }
            newline(&output, indent: indent, level: level)
            output += "]"
        case .object(let dict):
            try writeObject(dict, into: &output, indent: indent, level: level, items: items, keys: keys, sortKeys: sortKeys)
        case .namespace(let namespace):
            try writeObject(namespace.values, into: &output, indent: indent, level: level, items: items, keys: keys, sortKeys: sortKeys)
        case .callable(let callable):
            throw JinjaError.runtime("Object of type function (\(callable.name)) is not JSON serializable")
        }
    }

    private static func writeObject(
        _ dict: JinjaDict, into output: inout String, indent: Int?, level: Int, items: String, keys: String,
        sortKeys: Bool
    ) throws(JinjaError) {
        if dict.isEmpty {
            output += "{}"
            return
        }
        var entries: [(key: String, value: JinjaValue)] = dict.entries
        if sortKeys { entries.sort { (a: (key: String, value: JinjaValue), b: (key: String, value: JinjaValue)) -> Bool in a.key < b.key } }
        output += "{"
        for (index, entry): (Int, (key: String, value: JinjaValue)) in entries.enumerated() {
            if index > 0 { output += items }
            newline(&output, indent: indent, level: level + 1)
            writeString(entry.key, into: &output)
            output += keys
            try write(entry.value, into: &output, indent: indent, level: level + 1, items: items, keys: keys, sortKeys: sortKeys)
        }
        newline(&output, indent: indent, level: level)
        output += "}"
    }

    private static func newline(_ output: inout String, indent: Int?, level: Int) {
        guard let indent: Int = indent else { return }
        output += "\n" + String(repeating: " ", count: indent * level)
    }

    /// A JSON string with Python's escapes (`ensure_ascii=False`: only `"`, `\` and control characters).
    static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar: Unicode.Scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex: String = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
