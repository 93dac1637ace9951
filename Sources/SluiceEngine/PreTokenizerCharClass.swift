/// The character classes the BPE pre-tokenizer regexes care about, as llama.cpp's `unicode_cpt_flags` sees
/// them: White_Space first, then general category L (letter) or N (number), everything else is `other`.
enum PreTokenizerCharClass: UInt8 {
    case letter
    case number
    case whitespace
    case other
    /// Outside the current segment (the regex's end of input).
    case outside

    /// Classes of the 128 ASCII code points, computed once.
    private static let asciiTable: [PreTokenizerCharClass] = (0..<128).map { (value: Int) -> PreTokenizerCharClass in
        classify(Unicode.Scalar(UInt8(value)))
    }

    /// The class of one code point.
    @inline(__always)
    static func of(_ value: UInt32) -> PreTokenizerCharClass {
        if value < 128 { return asciiTable[Int(value)] }
        guard let scalar: Unicode.Scalar = Unicode.Scalar(value) else { return .other }
        return classify(scalar)
    }

    private static func classify(_ scalar: Unicode.Scalar) -> PreTokenizerCharClass {
        let properties: Unicode.Scalar.Properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }
}
