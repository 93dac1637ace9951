/// Tokens of the expression language inside `{{ }}` and `{% %}`.
enum JinjaToken: Equatable {
    case name(String)
    case string(String)
    case integer(Int)
    case float(Double)
    /// Operators and punctuation: `+ - * / // % ** ~ == != < > <= >= = ( ) [ ] { } , . : |`.
    case symbol(String)
    case end
}

/// Tokenizes expression source (Python-style string escapes, integer and float literals).
enum JinjaExpressionLexer {
    private static let twoCharacterSymbols: Set<String> = ["//", "**", "==", "!=", "<=", ">="]
    private static let oneCharacterSymbols: Set<Unicode.Scalar> = [
        "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|",
    ]

    static func tokens(_ source: String) throws(JinjaError) -> [JinjaToken] {
        let scalars: [Unicode.Scalar] = Array(source.unicodeScalars)
        var tokens: [JinjaToken] = []
        var index: Int = 0
        while index < scalars.count {
            let scalar: Unicode.Scalar = scalars[index]
            if scalar.properties.isWhitespace {
                index += 1
                continue
            }
            if scalar == "_" || scalar.properties.isAlphabetic {
                var end: Int = index + 1
                while end < scalars.count
                    && (scalars[end] == "_" || scalars[end].properties.isAlphabetic || ("0"..."9").contains(scalars[end]))
                {
                    end += 1
                }
                tokens.append(.name(String(String.UnicodeScalarView(scalars[index..<end]))))
                index = end
                continue
            }
            if ("0"..."9").contains(scalar) {
                var end: Int = index
                var isFloat: Bool = false
                while end < scalars.count && (("0"..."9").contains(scalars[end]) || scalars[end] == "_") { end += 1 }
                if end + 1 < scalars.count && scalars[end] == "." && ("0"..."9").contains(scalars[end + 1]) {
                    isFloat = true
                    end += 1
                    while end < scalars.count && ("0"..."9").contains(scalars[end]) { end += 1 }
                }
                if end < scalars.count && (scalars[end] == "e" || scalars[end] == "E") {
                    var exponentEnd: Int = end + 1
                    if exponentEnd < scalars.count && (scalars[exponentEnd] == "+" || scalars[exponentEnd] == "-") {
                        exponentEnd += 1
                    }
                    if exponentEnd < scalars.count && ("0"..."9").contains(scalars[exponentEnd]) {
                        isFloat = true
                        end = exponentEnd
                        while end < scalars.count && ("0"..."9").contains(scalars[end]) { end += 1 }
                    }
                }
                let text: String = String(String.UnicodeScalarView(scalars[index..<end])).replacingOccurrencesOfUnderscore()
                if isFloat {
                    guard let value: Double = Double(text) else { throw JinjaError.syntax("bad number \(text)") }
                    tokens.append(.float(value))
                } else {
                    guard let value: Int = Int(text) else { throw JinjaError.syntax("bad number \(text)") }
                    tokens.append(.integer(value))
                }
                index = end
                continue
            }
            if scalar == "'" || scalar == "\"" {
                let (value, end): (String, Int) = try stringLiteral(scalars, from: index)
                tokens.append(.string(value))
                index = end
                continue
            }
            if index + 1 < scalars.count {
                let pair: String = String(String.UnicodeScalarView([scalar, scalars[index + 1]]))
                if twoCharacterSymbols.contains(pair) {
                    tokens.append(.symbol(pair))
                    index += 2
                    continue
                }
            }
            if oneCharacterSymbols.contains(scalar) {
                tokens.append(.symbol(String(scalar)))
                index += 1
                continue
            }
            throw JinjaError.syntax("unexpected character '\(scalar)' in '\(source)'")
        }
        tokens.append(.end)
        return tokens
    }

    /// A quoted string with Python escapes; returns the value and the index after the closing quote.
    private static func stringLiteral(_ scalars: [Unicode.Scalar], from start: Int) throws(JinjaError) -> (String, Int) {
        let quote: Unicode.Scalar = scalars[start]
        var view: String.UnicodeScalarView = String.UnicodeScalarView()
        var index: Int = start + 1
        while index < scalars.count {
            let scalar: Unicode.Scalar = scalars[index]
            if scalar == quote { return (String(view), index + 1) }
            if scalar == "\\" && index + 1 < scalars.count {
                let escaped: Unicode.Scalar = scalars[index + 1]
                index += 2
                switch escaped {
                case "n": view.append("\n")
                case "t": view.append("\t")
                case "r": view.append("\r")
                case "0": view.append("\0")
                case "b": view.append("\u{08}")
                case "f": view.append("\u{0C}")
                case "v": view.append("\u{0B}")
                case "a": view.append("\u{07}")
                case "\\", "'", "\"": view.append(escaped)
                case "\n": break
                case "x", "u", "U":
                    let length: Int = escaped == "x" ? 2 : (escaped == "u" ? 4 : 8)
                    guard index + length <= scalars.count,
                        let value: UInt32 = UInt32(String(String.UnicodeScalarView(scalars[index..<(index + length)])), radix: 16),
                        let decoded: Unicode.Scalar = Unicode.Scalar(value)
                    else { throw JinjaError.syntax("bad \\\(escaped) escape in string literal") }
                    view.append(decoded)
                    index += length
                default:
                    view.append("\\")
                    view.append(escaped)
                }
                continue
            }
            view.append(scalar)
            index += 1
        }
        throw JinjaError.syntax("unterminated string literal")
    }
}

extension String {
    fileprivate func replacingOccurrencesOfUnderscore() -> String {
        String(self.unicodeScalars.filter { (scalar: Unicode.Scalar) -> Bool in scalar != "_" }.map(Character.init))
    }
}
