/// Hashes a text's words and CJK characters straight from its UTF-8 bytes, without making a string
/// per word: a word is a run of ASCII letters and digits (lowercased), `_`, or non-CJK letters of
/// other scripts; each CJK ideograph, kana or hangul is a word of its own. Everything else separates
/// words. Bigrams pair consecutive words, and consecutive CJK characters of one run; a CJK character
/// breaks the chain of words.
struct TextScanner {
    let words: FeatureHash.Namespace
    let wordBigrams: FeatureHash.Namespace?
    let cjk: FeatureHash.Namespace
    let cjkBigrams: FeatureHash.Namespace?
    /// The most words and CJK characters taken.
    let wordLimit: Int

    /// The question: unigrams and bigrams of everything.
    static let question = TextScanner(
        words: .questionWord, wordBigrams: .questionBigram, cjk: .questionCJK, cjkBigrams: .questionCJKBigram,
        wordLimit: .max)
    /// The system prompt: unigrams of its first words.
    static let system = TextScanner(
        words: .systemWord, wordBigrams: nil, cjk: .systemCJK, cjkBigrams: nil,
        wordLimit: FeatureExtractor.systemWordLimit)

    /// For each ASCII byte, its lowercase form if it belongs in a word (letters, digits, `_`), else 0.
    static let wordBytes: [UInt8] = (0..<128).map { code in
        switch UInt8(code) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): UInt8(code)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt8(code) | 0x20
        default: 0
        }
    }

    /// Appends the text's hashed features to `out` and returns its shape counts.
    func scan(_ text: String, into out: inout HashedFeatureBuffer) -> TextShape {
        if let shape = text.utf8.withContiguousStorageIfAvailable({ scan(bytes: $0, into: &out) }) {
            return shape
        }
        return Array(text.utf8).withUnsafeBufferPointer { scan(bytes: $0, into: &out) }
    }

    /// The scan proper. Plain local variables keep the per-byte work in registers: a run of ASCII word
    /// bytes is consumed by a tight inner loop that packs eight bytes into each FNV-1a step.
    private func scan(bytes: UnsafeBufferPointer<UInt8>, into out: inout HashedFeatureBuffer) -> TextShape {
        Self.wordBytes.withUnsafeBufferPointer { table in
            var buffer = out
            defer { out = buffer }
            var shape = TextShape()
            // The word being read: its FNV-1a hash over complete chunks, and the bytes since.
            var word = FeatureHash.offset
            var chunk: UInt64 = 0
            var shift: UInt64 = 0
            var inWord = false
            var previousWord: UInt64?
            var previousCJK: UInt32?
            var backticks = 0
            var units = 0

            /// Ends the current word, if any: its unigram and the bigram with the word before.
            func finishWord() {
                guard inWord else { return }
                word = FeatureHash.add(chunk: chunk, to: word)
                buffer.append(FeatureHash.feature(words, word))
                if let wordBigrams, let previousWord { buffer.append(FeatureHash.feature(wordBigrams, previousWord, word)) }
                previousWord = word
                word = FeatureHash.offset
                chunk = 0
                shift = 0
                inWord = false
                units += 1
            }

            @inline(__always) func addToWord(_ byte: UInt8) {
                chunk |= UInt64(byte) &<< shift
                shift &+= 8
                // A branch, not a conditional move: the multiply then runs once per eight bytes.
                if _slowPath(shift == 64) {
                    word = FeatureHash.add(chunk: chunk, to: word)
                    chunk = 0
                    shift = 0
                }
                inWord = true
            }

            var i = 0
            let end = bytes.count
            while i < end {
                if units >= wordLimit || buffer.isFull { return shape }
                let byte = bytes[i]
                if byte < 0x80 {
                    let lower = table[Int(byte)]
                    if lower != 0 {
                        // A run of ASCII word bytes.
                        previousCJK = nil
                        backticks = 0
                        var next = lower
                        repeat {
                            shape.digits &+= next &- UInt8(ascii: "0") < 10 ? 1 : 0
                            addToWord(next)
                            i += 1
                            next = i < end && bytes[i] < 0x80 ? table[Int(bytes[i])] : 0
                        } while next != 0
                        continue
                    }
                    finishWord()
                    previousCJK = nil
                    Self.countSymbol(byte, &shape, &backticks)
                    i += 1
                    continue
                }
                // A multi-byte scalar (the string is valid UTF-8); three bytes is the CJK case.
                let length = byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
                guard i + length <= end else { break }
                let value: UInt32
                switch length {
                case 3:
                    value = UInt32(byte & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                case 2:
                    value = UInt32(byte & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                default:
                    value = UInt32(byte & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
                        | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
                }
                backticks = 0
                if Self.isCJKCharacter(value) {
                    finishWord()
                    previousWord = nil
                    buffer.append(FeatureHash.feature(cjk, UInt64(value)))
                    if let cjkBigrams, let previousCJK {
                        buffer.append(FeatureHash.feature(cjkBigrams, UInt64(previousCJK), UInt64(value)))
                    }
                    previousCJK = value
                    units += 1
                } else if Self.isCJKPunctuation(value) {
                    finishWord()
                    previousCJK = nil
                } else if Self.isLetterOrNumber(value) {
                    previousCJK = nil
                    for k in 0..<length { addToWord(bytes[i + k]) }
                } else {
                    finishWord()
                    previousCJK = nil
                }
                i += length
            }
            if units < wordLimit { finishWord() }
            return shape
        }
    }

    /// Counts a separating ASCII character toward the text's shape.
    @inline(__always)
    private static func countSymbol(_ byte: UInt8, _ shape: inout TextShape, _ backticks: inout Int) {
        if byte == UInt8(ascii: "`") {
            backticks += 1
            if backticks == 3 { shape.codeFences += 1 }
            return
        }
        backticks = 0
        switch byte {
        case UInt8(ascii: "\n"):
            shape.lines += 1
        case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: "<"), UInt8(ascii: ">"),
             UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: "$"), UInt8(ascii: "#"), UInt8(ascii: "\\"):
            shape.codeSymbols += 1
        default:
            break
        }
    }

    /// A CJK ideograph, kana or hangul syllable: ``TextStats/isCJK(_:)`` less its punctuation blocks,
    /// with the common ideographs tested first.
    @inline(__always)
    static func isCJKCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3040...0x30FF, 0xAC00...0xD7AF, 0x3400...0x4DBF, 0xF900...0xFAFF, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// CJK symbols and punctuation, and the full-width forms block: separators, not words.
    static func isCJKPunctuation(_ value: UInt32) -> Bool {
        (0x3000...0x303F).contains(value) || (0xFF00...0xFFEF).contains(value)
    }

    /// Whether a non-ASCII, non-CJK scalar belongs in a word.
    private static func isLetterOrNumber(_ value: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(value) else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}
