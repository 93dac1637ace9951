/// Python `str` operations on code points (not Swift grapheme clusters), so results match Python exactly.
enum JinjaStrings {
    /// Python `str.isspace` for one code point.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    /// Byte offset of the first occurrence of `needle` in `haystack` at or after `start`.
    static func find(_ needle: String, in haystack: String, from start: Int = 0) -> Int? {
        let pattern: [UInt8] = Array(needle.utf8)
        let text: [UInt8] = Array(haystack.utf8)
        return find(pattern, in: text, from: start)
    }

    static func find(_ pattern: [UInt8], in text: [UInt8], from start: Int) -> Int? {
        if pattern.isEmpty { return start <= text.count ? start : nil }
        if pattern.count > text.count { return nil }
        var index: Int = start
        let last: Int = text.count - pattern.count
        let first: UInt8 = pattern[0]
        while index <= last {
            if text[index] == first {
                var matched: Bool = true
                for offset: Int in 1..<pattern.count where text[index + offset] != pattern[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        let a: String.UTF8View = text.utf8
        let b: String.UTF8View = prefix.utf8
        return a.count >= b.count && a.starts(with: b)
    }

    static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        let a: [UInt8] = Array(text.utf8)
        let b: [UInt8] = Array(suffix.utf8)
        return a.count >= b.count && Array(a[(a.count - b.count)...]) == b
    }

    /// Python `str.split(separator, maxsplit)`; a nil separator splits on runs of whitespace.
    static func split(_ text: String, separator: String?, maxSplit: Int) throws(JinjaError) -> [String] {
        guard let separator: String = separator else {
            var parts: [String] = []
            var current: String.UnicodeScalarView = String.UnicodeScalarView()
            var inWord: Bool = false
            var splits: Int = 0
            var scalars: [Unicode.Scalar] = Array(text.unicodeScalars)
            var index: Int = 0
            while index < scalars.count {
                let scalar: Unicode.Scalar = scalars[index]
                if isSpace(scalar) {
                    if inWord {
                        parts.append(String(current))
                        current = String.UnicodeScalarView()
                        inWord = false
                        splits += 1
                        if maxSplit >= 0 && splits >= maxSplit {
                            // The rest, without leading whitespace, is the last part.
                            while index < scalars.count && isSpace(scalars[index]) { index += 1 }
                            if index < scalars.count {
                                parts.append(String(String.UnicodeScalarView(scalars[index...])))
                            }
                            scalars = []
                            break
                        }
                    }
                } else {
                    current.append(scalar)
                    inWord = true
                }
                index += 1
            }
            if inWord { parts.append(String(current)) }
            return parts
        }
        guard !separator.isEmpty else { throw JinjaError.runtime("empty separator") }
        let pattern: [UInt8] = Array(separator.utf8)
        let bytes: [UInt8] = Array(text.utf8)
        var parts: [String] = []
        var start: Int = 0
        while maxSplit < 0 || parts.count < maxSplit, let found: Int = find(pattern, in: bytes, from: start) {
            parts.append(String(decoding: bytes[start..<found], as: UTF8.self))
            start = found + pattern.count
        }
        parts.append(String(decoding: bytes[start...], as: UTF8.self))
        return parts
    }

    /// Python `str.replace(old, new, count)`.
    static func replace(_ text: String, _ old: String, _ new: String, count: Int) -> String {
        let bytes: [UInt8] = Array(text.utf8)
        let pattern: [UInt8] = Array(old.utf8)
        if pattern.isEmpty {
            // Python inserts `new` between every character (and at both ends).
            var result: String = new
            var done: Int = 1
            for scalar: Unicode.Scalar in text.unicodeScalars {
                result.unicodeScalars.append(scalar)
                if count < 0 || done < count {
                    result += new
                    done += 1
                }
            }
            return result
        }
        var result: [UInt8] = []
        var start: Int = 0
        var replaced: Int = 0
        while count < 0 || replaced < count, let found: Int = find(pattern, in: bytes, from: start) {
            result.append(contentsOf: bytes[start..<found])
            result.append(contentsOf: new.utf8)
            start = found + pattern.count
            replaced += 1
        }
        result.append(contentsOf: bytes[start...])
        return String(decoding: result, as: UTF8.self)
    }

    /// Python `str.strip` / `lstrip` / `rstrip`; nil characters means whitespace.
    static func strip(_ text: String, characters: String?, leading: Bool, trailing: Bool) -> String {
        let set: Set<Unicode.Scalar>? = characters.map { (chars: String) -> Set<Unicode.Scalar> in Set(chars.unicodeScalars) }
        func strippable(_ scalar: Unicode.Scalar) -> Bool {
            if let set: Set<Unicode.Scalar> = set { return set.contains(scalar) }
            return isSpace(scalar)
        }
        let scalars: [Unicode.Scalar] = Array(text.unicodeScalars)
        var start: Int = 0
        var end: Int = scalars.count
        if leading { while start < end && strippable(scalars[start]) { start += 1 } }
        if trailing { while end > start && strippable(scalars[end - 1]) { end -= 1 } }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }

    /// Python `str.title()`.
    static func title(_ text: String) -> String {
        var result: String = ""
        var previousCased: Bool = false
        for scalar: Unicode.Scalar in text.unicodeScalars {
            let cased: Bool = scalar.properties.isCased
            if cased {
                result += previousCased ? String(scalar).lowercased() : String(scalar).uppercased()
            } else {
                result.unicodeScalars.append(scalar)
            }
            previousCased = cased
        }
        return result
    }

    /// Python `str.capitalize()`.
    static func capitalize(_ text: String) -> String {
        guard let first: Unicode.Scalar = text.unicodeScalars.first else { return text }
        return String(first).uppercased() + String(String.UnicodeScalarView(text.unicodeScalars.dropFirst())).lowercased()
    }
}
