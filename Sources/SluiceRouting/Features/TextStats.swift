/// Counts over a text that stand in for a tokenizer: letters, CJK characters, and a token estimate.
///
/// The estimate follows how byte-level BPE vocabularies of current models behave: about four ASCII
/// characters per token, about one token per CJK character, and about two bytes per token for other
/// scripts. It is meant for routing decisions (thresholds such as "over 8k tokens"), not for billing.
public struct TextStats: Sendable, Hashable {
    /// Letters and digits of any script.
    public var letters: Int
    /// Han, kana, and hangul characters.
    public var cjkCharacters: Int
    /// The estimated token count.
    public var estimatedTokens: Int

    public init(_ text: String) {
        var letters = 0
        var cjk = 0
        var ascii = 0
        var otherBytes = 0
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                ascii += 1
                if (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) {
                    letters += 1
                }
            } else if Self.isCJK(value) {
                cjk += 1
                letters += 1
            } else {
                otherBytes += scalar.utf8.count
                if scalar.properties.isAlphabetic { letters += 1 }
            }
        }
        self.letters = letters
        self.cjkCharacters = cjk
        self.estimatedTokens = (ascii + 3) / 4 + cjk + (otherBytes + 1) / 2
    }

    /// Whether a scalar is a CJK ideograph, kana, hangul, or CJK punctuation.
    public static func isCJK(_ value: UInt32) -> Bool {
        switch value {
        case 0x3000...0x303F, 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF,
             0xFF00...0xFFEF, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
