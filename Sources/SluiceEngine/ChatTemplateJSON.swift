import Foundation

extension TemplateValue {
    /// Parses JSON text, keeping object key order. Integers without fraction or exponent become `.int`.
    public init(json: String) throws(ChatTemplateError) {
        var parser: ChatTemplateJSONParser = ChatTemplateJSONParser(bytes: Array(json.utf8))
        self = try parser.parseDocument()
    }

    /// Parses JSON bytes, keeping object key order.
    public init(jsonData: Data) throws(ChatTemplateError) {
        var parser: ChatTemplateJSONParser = ChatTemplateJSONParser(bytes: Array(jsonData))
        self = try parser.parseDocument()
    }
}

/// A small recursive-descent JSON parser (RFC 8259) producing order-preserving `TemplateValue`s.
struct ChatTemplateJSONParser {
    let bytes: [UInt8]
    var index: Int = 0
    private var depth: Int = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(ChatTemplateError) -> TemplateValue {
        let value: TemplateValue = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected trailing characters") }
        return value
    }

    private func fail(_ message: String) -> ChatTemplateError {
        ChatTemplateError.invalidJSON("\(message) at byte \(index)")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func expectWord(_ word: String, _ value: TemplateValue) throws(ChatTemplateError) -> TemplateValue {
        let expected: [UInt8] = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected else {
            throw fail("invalid literal")
        }
        index += expected.count
        return value
    }

    private mutating func parseValue() throws(ChatTemplateError) -> TemplateValue {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expectWord("true", .bool(true))
        case UInt8(ascii: "f"): return try expectWord("false", .bool(false))
        case UInt8(ascii: "n"): return try expectWord("null", .null)
        default: return try parseNumber()
        }
    }

    private mutating func parseObject() throws(ChatTemplateError) -> TemplateValue {
        depth += 1
        defer { depth -= 1 }
        guard depth < 512 else { throw fail("nesting too deep") }
        index += 1
        var object: TemplateObject = TemplateObject()
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
            let key: String = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            object[key] = try parseValue()
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
            index += 1
            return .object(object)
        }
    }

    private mutating func parseArray() throws(ChatTemplateError) -> TemplateValue {
        depth += 1
        defer { depth -= 1 }
        guard depth < 512 else { throw fail("nesting too deep") }
        index += 1
        var items: [TemplateValue] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
            index += 1
            return .array(items)
        }
    }

    private mutating func parseHex4() throws(ChatTemplateError) -> UInt32 {
        guard index + 4 <= bytes.count,
            let value: UInt32 = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
        else { throw fail("bad \\u escape") }
        index += 4
        return value
    }

    private mutating func parseString() throws(ChatTemplateError) -> String {
        index += 1
        var output: [UInt8] = []
        while index < bytes.count {
            let byte: UInt8 = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                guard let text: String = String(validating: output, as: UTF8.self) else { throw fail("invalid UTF-8") }
                return text
            }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { break }
                let escaped: UInt8 = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""): output.append(0x22)
                case UInt8(ascii: "\\"): output.append(0x5C)
                case UInt8(ascii: "/"): output.append(0x2F)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    var code: UInt32 = try parseHex4()
                    if (0xD800...0xDBFF).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        let low: UInt32 = try parseHex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            output.append(contentsOf: "\u{FFFD}".utf8)
                            code = low
                        }
                    }
                    let scalar: Unicode.Scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    output.append(contentsOf: String(scalar).utf8)
                default:
                    throw fail("bad escape")
                }
                continue
            }
            guard byte >= 0x20 else { throw fail("control character in string") }
            output.append(byte)
            index += 1
        }
        throw fail("unterminated string")
    }

    private mutating func parseNumber() throws(ChatTemplateError) -> TemplateValue {
        let start: Int = index
        var isInteger: Bool = true
        if index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits() -> Int {
            let from: Int = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - from
        }
        guard digits() > 0 else { throw fail("invalid value") }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard digits() > 0 else { throw fail("invalid number") }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard digits() > 0 else { throw fail("invalid number") }
        }
        let text: String = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value: Int = Int(text) { return .int(value) }
        guard let value: Double = Double(text) else { throw fail("invalid number") }
        return .double(value)
    }
}
