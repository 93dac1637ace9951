/// Turns a stream of byte chunks (token pieces) into text, emitting only whole UTF-8 characters.
///
/// A multi-byte character split across chunks is held back until its last byte arrives, so no chunk of
/// output ever ends mid-character. Bytes that can never form a valid character become U+FFFD, exactly as
/// decoding the whole byte stream at once would.
public struct UTF8StreamDecoder: Sendable {
    /// Bytes of an incomplete character at the end of the input so far (at most 3).
    private var pending: [UInt8] = []

    /// A decoder with nothing pending.
    public init() {}

    /// Whether bytes of an unfinished character are waiting for more input.
    public var hasPendingBytes: Bool { !pending.isEmpty }

    /// Feeds the next chunk and returns the text completed by it (possibly empty).
    public mutating func decode<Bytes: Collection>(_ chunk: Bytes) -> String where Bytes.Element == UInt8 {
        if chunk.isEmpty { return "" }
        var buffer: [UInt8] = pending
        buffer.append(contentsOf: chunk)
        let cut: Int = Self.completePrefixLength(buffer)
        pending = Array(buffer[cut...])
        if cut == 0 { return "" }
        return String(decoding: buffer[..<cut], as: UTF8.self)
    }

    /// Ends the stream: returns any held bytes (an unfinished character becomes U+FFFD) and resets.
    public mutating func finish() -> String {
        defer { pending = [] }
        if pending.isEmpty { return "" }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest prefix that does not end inside a character that could still be completed.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let count: Int = bytes.count
        // Look back at most 3 bytes for the lead byte of a possibly unfinished sequence.
        var index: Int = count - 1
        let lowest: Int = max(0, count - 4)
        while index >= lowest {
            let byte: UInt8 = bytes[index]
            if byte & 0xC0 != 0x80 {
                // ASCII or a lead byte (or an invalid byte).
                let needed: Int = sequenceLength(lead: byte)
                let available: Int = count - index
                if needed > available && canStillComplete(bytes, from: index) { return index }
                return count
            }
            index -= 1
        }
        return count
    }

    /// Total bytes of the sequence a lead byte starts (1 for ASCII and for bytes that can never lead).
    private static func sequenceLength(lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 1
        }
    }

    /// Whether the bytes from `start` to the end are a valid beginning of a character (so holding them back
    /// makes sense): the second byte's range depends on the lead, as in the UTF-8 well-formed table.
    private static func canStillComplete(_ bytes: [UInt8], from start: Int) -> Bool {
        let lead: UInt8 = bytes[start]
        for offset: Int in 1..<(bytes.count - start) {
            let byte: UInt8 = bytes[start + offset]
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            if offset == 1 {
                switch lead {
                case 0xE0: low = 0xA0
                case 0xED: high = 0x9F
                case 0xF0: low = 0x90
                case 0xF4: high = 0x8F
                default: break
                }
            }
            if byte < low || byte > high { return false }
        }
        return true
    }
}
