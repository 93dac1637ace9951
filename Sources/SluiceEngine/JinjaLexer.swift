/// Splits Jinja source into text and tags, applying whitespace control the way Hugging Face chat templates are
/// rendered: `trim_blocks` and `lstrip_blocks` on, plus explicit `{%-` / `-%}` trimming.
enum JinjaLexer {
    /// One piece of template source.
    enum Segment: Equatable {
        case text(String)
        /// `{{ … }}`: the expression source.
        case output(String)
        /// `{% … %}`: the statement source.
        case statement(String)
    }

    private enum TagKind {
        case output, statement, comment
    }

    private struct RawTag {
        let kind: TagKind
        let body: String
        let trimBefore: Bool
        let trimAfter: Bool
        let keepBefore: Bool  // `{%+`: disables lstrip_blocks
    }

    private enum Raw {
        case text(String)
        case tag(RawTag)
    }

    static func segments(_ source: String) throws(JinjaError) -> [Segment] {
        // Like Jinja's lexer: newlines are normalized to "\n" and one trailing newline is dropped.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(source.unicodeScalars.count)
        var previousWasCR: Bool = false
        for scalar: Unicode.Scalar in source.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            scalars.append(scalar)
        }
        if scalars.last == "\n" { scalars.removeLast() }
        let raws: [Raw] = try split(scalars)
        var texts: [String?] = raws.map { (raw: Raw) -> String? in
            if case .text(let text) = raw { return text }
            return nil
        }
        // lstrip_blocks is decided on the original text (a newline eaten by trim_blocks still starts a line).
        for (index, raw): (Int, Raw) in raws.enumerated() {
            guard case .tag(let tag) = raw, tag.kind != .output, !tag.trimBefore, !tag.keepBefore, index > 0,
                case .text(let original) = raws[index - 1]
            else { continue }
            if let stripped: String = lstripLine(original, atTemplateStart: index - 1 == 0) {
                texts[index - 1] = stripped
            }
        }
        for (index, raw): (Int, Raw) in raws.enumerated() {
            guard case .tag(let tag) = raw else { continue }
            if tag.trimBefore, index > 0, let before: String = texts[index - 1] {
                texts[index - 1] = String(before.reversed().drop(while: \.isWhitespace).reversed())
            }
            if index + 1 < raws.count, let after: String = texts[index + 1] {
                if tag.trimAfter {
                    texts[index + 1] = String(after.drop(while: \.isWhitespace))
                } else if tag.kind != .output, after.hasPrefix("\n") {
                    texts[index + 1] = String(after.dropFirst())
                }
            }
        }
        var result: [Segment] = []
        for (index, raw): (Int, Raw) in raws.enumerated() {
            switch raw {
            case .text:
                if let text: String = texts[index], !text.isEmpty { result.append(.text(text)) }
            case .tag(let tag):
                switch tag.kind {
                case .output: result.append(.output(tag.body))
                case .statement: result.append(.statement(tag.body))
                case .comment: break
                }
            }
        }
        return result
    }

    /// `lstrip_blocks`: the text without the spaces and tabs between its last line start and the tag, or nil
    /// when the tag is not preceded only by such whitespace on its line.
    private static func lstripLine(_ text: String, atTemplateStart: Bool) -> String? {
        var scalars: [Unicode.Scalar] = Array(text.unicodeScalars)
        var cut: Int = scalars.count
        while cut > 0 && (scalars[cut - 1] == " " || scalars[cut - 1] == "\t") { cut -= 1 }
        let atLineStart: Bool = cut == 0 ? atTemplateStart : scalars[cut - 1] == "\n"
        guard atLineStart, cut < scalars.count else { return nil }
        scalars.removeSubrange(cut...)
        var view: String.UnicodeScalarView = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    private static func split(_ source: [Unicode.Scalar]) throws(JinjaError) -> [Raw] {
        var raws: [Raw] = []
        var textStart: Int = 0
        var index: Int = 0
        let count: Int = source.count
        func string(_ range: Range<Int>) -> String {
            var view: String.UnicodeScalarView = String.UnicodeScalarView()
            view.append(contentsOf: source[range])
            return String(view)
        }
        while index + 1 < count {
            guard source[index] == "{" else {
                index += 1
                continue
            }
            let next: Unicode.Scalar = source[index + 1]
            let kind: TagKind
            let closing: Unicode.Scalar
            switch next {
            case "{": kind = .output; closing = "}"
            case "%": kind = .statement; closing = "%"
            case "#": kind = .comment; closing = "#"
            default:
                index += 1
                continue
            }
            if textStart < index { raws.append(.text(string(textStart..<index))) }
            var bodyStart: Int = index + 2
            var trimBefore: Bool = false
            var keepBefore: Bool = false
            if bodyStart < count && source[bodyStart] == "-" {
                trimBefore = true
                bodyStart += 1
            } else if bodyStart < count && source[bodyStart] == "+" {
                keepBefore = true
                bodyStart += 1
            }
            // Find the closing delimiter, skipping string literals inside expressions and statements.
            var cursor: Int = bodyStart
            var quote: Unicode.Scalar? = nil
            var end: Int = -1
            while cursor + 1 < count {
                let scalar: Unicode.Scalar = source[cursor]
                if kind != .comment {
                    if let open: Unicode.Scalar = quote {
                        if scalar == "\\" {
                            cursor += 2
                            continue
                        }
                        if scalar == open { quote = nil }
                        cursor += 1
                        continue
                    }
                    if scalar == "'" || scalar == "\"" {
                        quote = scalar
                        cursor += 1
                        continue
                    }
                }
                if scalar == closing && source[cursor + 1] == "}" {
                    end = cursor
                    break
                }
                cursor += 1
            }
            guard end >= 0 else { throw JinjaError.syntax("unclosed tag starting at character \(index)") }
            var bodyEnd: Int = end
            var trimAfter: Bool = false
            if bodyEnd > bodyStart && source[bodyEnd - 1] == "-" {
                trimAfter = true
                bodyEnd -= 1
            } else if bodyEnd > bodyStart && source[bodyEnd - 1] == "+" {
                bodyEnd -= 1
            }
            let body: String = string(bodyStart..<max(bodyStart, bodyEnd))
            let tag: RawTag = RawTag(kind: kind, body: body, trimBefore: trimBefore, trimAfter: trimAfter, keepBefore: keepBefore)
            index = end + 2
            textStart = index
            // `{% raw %}…{% endraw %}` is copied verbatim.
            if kind == .statement, body.split(whereSeparator: \.isWhitespace) == ["raw"] {
                raws.append(.tag(RawTag(kind: .comment, body: "", trimBefore: trimBefore, trimAfter: trimAfter, keepBefore: keepBefore)))
                guard let close: (start: Int, end: Int, trimBefore: Bool, trimAfter: Bool) = findEndRaw(source, from: index) else {
                    throw JinjaError.syntax("unclosed {% raw %}")
                }
                raws.append(.text(string(index..<close.start)))
                raws.append(.tag(RawTag(kind: .comment, body: "", trimBefore: close.trimBefore, trimAfter: close.trimAfter, keepBefore: false)))
                index = close.end
                textStart = index
                continue
            }
            raws.append(.tag(tag))
        }
        if textStart < count { raws.append(.text(string(textStart..<count))) }
        return raws
    }

    private static func findEndRaw(_ source: [Unicode.Scalar], from start: Int)
        -> (start: Int, end: Int, trimBefore: Bool, trimAfter: Bool)?
    {
        var index: Int = start
        while index + 1 < source.count {
            if source[index] == "{" && source[index + 1] == "%" {
                var cursor: Int = index + 2
                var trimBefore: Bool = false
                if cursor < source.count && source[cursor] == "-" {
                    trimBefore = true
                    cursor += 1
                }
                while cursor < source.count && source[cursor].properties.isWhitespace { cursor += 1 }
                let word: String = String(String.UnicodeScalarView(source[cursor..<min(source.count, cursor + 6)]))
                if word == "endraw" {
                    var close: Int = cursor + 6
                    while close + 1 < source.count && !(source[close] == "%" && source[close + 1] == "}") { close += 1 }
                    let trimAfter: Bool = close > 0 && source[close - 1] == "-"
                    return (index, close + 2, trimBefore, trimAfter)
                }
            }
            index += 1
        }
        return nil
    }
}
