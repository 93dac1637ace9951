#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cuts special tokens out of text before BPE, as llama.cpp's `tokenizer_st_partition` does: special tokens
/// are tried longest first, and each one is cut out of every remaining text fragment, left to right.
struct TokenizerSpecialSplitter: Sendable {
    /// A piece of the input: raw text (a byte range) still to be BPE-encoded, or an already matched token.
    enum Fragment: Equatable {
        case text(Range<Int>)
        case token(Int32)
    }

    /// One special token: its id, its UTF-8 text, and whether it is matched only when parsing special tokens.
    struct Entry: Sendable {
        let id: Int32
        let bytes: [UInt8]
        let onlyWhenParsingSpecial: Bool
    }

    /// Special tokens, longest first (ties by id).
    let entries: [Entry]

    init(entries: [Entry]) {
        self.entries = entries.sorted { (a: Entry, b: Entry) -> Bool in
            a.bytes.count != b.bytes.count ? a.bytes.count > b.bytes.count : a.id < b.id
        }
    }

    /// Splits `text` (UTF-8 bytes) into fragments.
    func split(_ text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Fragment] {
        if text.isEmpty { return [] }
        var fragments: [Fragment] = [.text(0..<text.count)]
        guard let base: UnsafePointer<UInt8> = text.baseAddress else { return fragments }
        for entry: Entry in entries {
            if entry.onlyWhenParsingSpecial && !parseSpecial { continue }
            if entry.bytes.isEmpty { continue }
            var result: [Fragment] = []
            var changed: Bool = false
            for fragment: Fragment in fragments {
                guard case .text(let range) = fragment else {
                    result.append(fragment)
                    continue
                }
                var start: Int = range.lowerBound
                while start < range.upperBound {
                    guard let match: Int = Self.find(entry.bytes, in: base, from: start, to: range.upperBound) else {
                        break
                    }
                    changed = true
                    if match > start { result.append(.text(start..<match)) }
                    result.append(.token(entry.id))
                    start = match + entry.bytes.count
                }
                if start < range.upperBound { result.append(.text(start..<range.upperBound)) }
            }
            if changed { fragments = result }
        }
        return fragments
    }

    /// First index of `needle` in `base[from..<to]` (memchr for the first byte, then memcmp).
    private static func find(_ needle: [UInt8], in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        let count: Int = needle.count
        if count > to - from { return nil }
        return needle.withUnsafeBufferPointer { (pointer: UnsafeBufferPointer<UInt8>) -> Int? in
            let first: Int32 = Int32(pointer[0])
            var start: Int = from
            let lastStart: Int = to - count
            while start <= lastStart {
                guard let hit: UnsafeMutableRawPointer = memchr(base + start, first, lastStart - start + 1) else {
                    return nil
                }
                let index: Int = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if memcmp(base + index, pointer.baseAddress!, count) == 0 { return index }
                start = index + 1
            }
            return nil
        }
    }
}
