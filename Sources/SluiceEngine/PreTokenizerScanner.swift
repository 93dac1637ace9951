/// The hand-written regex matchers behind `PreTokenizer`, transcribing llama.cpp's custom splitters
/// (`unicode_regex_split_custom_gpt2` / `_llama3`) over code points and their classes.
struct PreTokenizerScanner {
    let scalars: [UInt32]
    let classes: [PreTokenizerCharClass]
    private(set) var words: [Range<Int>] = []

    private static let apostrophe: UInt32 = 0x27
    private static let space: UInt32 = 0x20
    private static let carriageReturn: UInt32 = 0x0D
    private static let lineFeed: UInt32 = 0x0A

    init(scalars: [UInt32]) {
        self.scalars = scalars
        self.classes = scalars.map { (value: UInt32) -> PreTokenizerCharClass in PreTokenizerCharClass.of(value) }
        words.reserveCapacity(scalars.count / 3 + 1)
    }

    // MARK: - GPT-2

    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` within `segment`.
    mutating func scanGPT2(_ segment: Range<Int>) {
        let end: Int = segment.upperBound
        var previous: Int = segment.lowerBound
        var pos: Int = segment.lowerBound
        @inline(__always) func cls(_ index: Int) -> PreTokenizerCharClass {
            index < end ? classes[index] : .outside
        }
        while pos < end {
            let cpt: UInt32 = scalars[pos]
            let current: PreTokenizerCharClass = classes[pos]
            if cpt == Self.apostrophe, pos + 1 < end {
                let next: UInt32 = scalars[pos + 1]
                if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 {  // s t m d
                    pos += 2
                    emit(&previous, pos)
                    continue
                }
                if pos + 2 < end {
                    let nextNext: UInt32 = scalars[pos + 2]
                    if (next == 0x72 && nextNext == 0x65) || (next == 0x76 && nextNext == 0x65)
                        || (next == 0x6C && nextNext == 0x6C)
                    {  // re ve ll
                        pos += 3
                        emit(&previous, pos)
                        continue
                    }
                }
            }
            let leadingSpace: Bool = cpt == Self.space
            let effective: PreTokenizerCharClass = leadingSpace ? cls(pos + 1) : current
            if effective == .letter || effective == .number || effective == .other {
                if leadingSpace { pos += 1 }
                while cls(pos) == effective { pos += 1 }
                emit(&previous, pos)
                continue
            }
            var whitespaceCount: Int = 0
            while cls(pos + whitespaceCount) == .whitespace { whitespaceCount += 1 }
            pos = Self.afterWhitespace(pos, count: whitespaceCount, end: end)
            emit(&previous, pos)
        }
    }

    // MARK: - Llama 3 / Qwen2

    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,maxDigits}| ?[^\s\p{L}\p{N}]+[\r\n]*|
    /// \s*[\r\n]+|\s+(?!\S)|\s+` within `segment`.
    mutating func scanLlama3(_ segment: Range<Int>, maxDigits: Int) {
        let end: Int = segment.upperBound
        var previous: Int = segment.lowerBound
        var pos: Int = segment.lowerBound
        @inline(__always) func cls(_ index: Int) -> PreTokenizerCharClass {
            index < end ? classes[index] : .outside
        }
        @inline(__always) func isNewline(_ index: Int) -> Bool {
            index < end && (scalars[index] == Self.carriageReturn || scalars[index] == Self.lineFeed)
        }
        @inline(__always) func lower(_ value: UInt32) -> UInt32 {
            (value >= 0x41 && value <= 0x5A) ? value + 0x20 : value
        }
        while pos < end {
            let cpt: UInt32 = scalars[pos]
            let current: PreTokenizerCharClass = classes[pos]
            if cpt == Self.apostrophe, pos + 1 < end {
                let next: UInt32 = lower(scalars[pos + 1])
                if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 {
                    pos += 2
                    emit(&previous, pos)
                    continue
                }
                if pos + 2 < end {
                    let nextNext: UInt32 = lower(scalars[pos + 2])
                    if (next == 0x72 && nextNext == 0x65) || (next == 0x76 && nextNext == 0x65)
                        || (next == 0x6C && nextNext == 0x6C)
                    {
                        pos += 3
                        emit(&previous, pos)
                        continue
                    }
                }
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(isNewline(pos) || current == .number) {
                if current == .letter || cls(pos + 1) == .letter {
                    pos += 1
                    while cls(pos) == .letter { pos += 1 }
                    emit(&previous, pos)
                    continue
                }
            }
            // \p{N}{1,maxDigits}
            if current == .number {
                var groupStart: Int = pos
                while cls(pos) == .number {
                    pos += 1
                    if pos - groupStart >= maxDigits {
                        emit(&previous, pos)
                        groupStart = pos
                    }
                }
                emit(&previous, pos)
                continue
            }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            let leadingSpace: Bool = cpt == Self.space
            let effective: PreTokenizerCharClass = leadingSpace ? cls(pos + 1) : current
            if effective == .other {
                if leadingSpace { pos += 1 }
                while cls(pos) == .other { pos += 1 }
                while isNewline(pos) { pos += 1 }
                emit(&previous, pos)
                continue
            }
            var whitespaceCount: Int = 0
            var lastNewlineEnd: Int = 0
            while cls(pos + whitespaceCount) == .whitespace {
                if isNewline(pos + whitespaceCount) { lastNewlineEnd = pos + whitespaceCount + 1 }
                whitespaceCount += 1
            }
            // \s*[\r\n]+
            if lastNewlineEnd > 0 {
                pos = lastNewlineEnd
                emit(&previous, pos)
                continue
            }
            pos = Self.afterWhitespace(pos, count: whitespaceCount, end: end)
            emit(&previous, pos)
        }
    }

    /// Where a piece starting at `pos` with `count` whitespace characters ends: `\s+(?!\S)` leaves the
    /// last space of a run to the word after it, `\s+` takes a run that ends the text, and anything
    /// else is one character on its own.
    @inline(__always) static func afterWhitespace(_ pos: Int, count: Int, end: Int) -> Int {
        if count > 1 && pos + count < end { return pos + count - 1 }
        if count > 0 { return pos + count }
        return pos + 1
    }

    @inline(__always)
    private mutating func emit(_ previous: inout Int, _ end: Int) {
        if end > previous { words.append(previous..<end) }
        previous = end
    }
}
