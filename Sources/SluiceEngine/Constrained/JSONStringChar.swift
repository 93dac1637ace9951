/// One character of a JSON string, as a small byte automaton: a raw UTF-8 scalar (no `"`, `\` or
/// control character) or an escape (`\n`, `\uXXXX`, ... but no surrogate escapes, so every string is
/// valid Unicode). Sub-states live in the high byte of a stack entry.
enum JSONStringChar {
    /// What one byte does to a character in progress.
    enum Step: Equatable {
        case reject
        /// More bytes are needed; the new sub-state.
        case next(UInt32)
        /// The character is complete.
        case done
    }

    static func step(_ sub: UInt32, _ byte: UInt8) -> Step {
        switch sub {
        case 0:
            switch byte {
            case 0..<0x20, UInt8(ascii: "\""): return .reject
            case UInt8(ascii: "\\"): return .next(8)
            case 0x20..<0x80: return .done
            case 0xC2...0xDF: return .next(1)
            case 0xE0: return .next(4)
            case 0xE1...0xEC, 0xEE, 0xEF: return .next(2)
            case 0xED: return .next(5)
            case 0xF0: return .next(6)
            case 0xF1...0xF3: return .next(3)
            case 0xF4: return .next(7)
            default: return .reject
            }
        case 1: return (0x80...0xBF).contains(byte) ? .done : .reject
        case 2: return (0x80...0xBF).contains(byte) ? .next(1) : .reject
        case 3: return (0x80...0xBF).contains(byte) ? .next(2) : .reject
        case 4: return (0xA0...0xBF).contains(byte) ? .next(1) : .reject
        case 5: return (0x80...0x9F).contains(byte) ? .next(1) : .reject
        case 6: return (0x90...0xBF).contains(byte) ? .next(2) : .reject
        case 7: return (0x80...0x8F).contains(byte) ? .next(2) : .reject
        case 8:
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                return .done
            case UInt8(ascii: "u"): return .next(9)
            default: return .reject
            }
        case 9:
            if byte == UInt8(ascii: "D") || byte == UInt8(ascii: "d") { return .next(10) }
            return isHex(byte) ? .next(11) : .reject
        case 10: return (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) ? .next(12) : .reject
        case 11: return isHex(byte) ? .next(12) : .reject
        case 12: return isHex(byte) ? .next(13) : .reject
        case 13: return isHex(byte) ? .done : .reject
        default: return .reject
        }
    }

    /// The fewest bytes that complete a character in sub-state `sub`.
    static func remaining(_ sub: UInt32) -> UInt32 {
        switch sub {
        case 0, 1, 8, 13: return 1
        case 2, 4, 5, 12: return 2
        case 3, 6, 7, 10, 11: return 3
        case 9: return 4
        default: return 1
        }
    }

    /// A byte that moves sub-state `sub` towards completion along a shortest path.
    static func shortestByte(_ sub: UInt32) -> UInt8 {
        switch sub {
        case 0: return UInt8(ascii: "a")
        case 1, 2, 3, 5, 7: return 0x80
        case 4: return 0xA0
        case 6: return 0x90
        case 8: return UInt8(ascii: "n")
        default: return UInt8(ascii: "0")
        }
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
