/// Byte-level BPE merging over integer symbols, equivalent to llama.cpp's `llm_tokenizer_bpe_session`:
/// the lowest-rank adjacent pair merges first, the leftmost one on ties.
///
/// Every string that can occur during merging (vocabulary entries, both sides of each merge and each merge
/// result) has an integer symbol. Symbols below the vocabulary size are token ids; the others are strings the
/// vocabulary lacks, which llama.cpp falls back to emitting byte by byte.
struct TokenizerBPE: Sendable {
    /// A merge of two adjacent symbols: its rank (priority, lower first) and the symbol it produces.
    struct Merge: Sendable {
        let rank: Int32
        let result: Int32
    }

    /// Number of vocabulary tokens (symbols below this are token ids).
    let vocabularySize: Int
    /// Strings of symbols at and above `vocabularySize`.
    let extraSymbols: [String]
    /// Symbol for each raw byte's byte-level character.
    let byteSymbols: [Int32]
    /// Merge table keyed by `left << 32 | right`.
    let merges: [UInt64: Merge]
    /// Token id of each single-character ASCII string (the byte fallback for symbols missing from the
    /// vocabulary), or -1.
    let asciiTokens: [Int32]

    /// Builds the merge table. `tokenToID` maps vocabulary strings to ids; `merges` are "left right" lines,
    /// highest priority first.
    init(vocabularySize: Int, tokenToID: [String: Int32], merges mergeLines: [String]) {
        self.vocabularySize = vocabularySize
        var extra: [String] = []
        var extraIDs: [String: Int32] = [:]
        func symbol(_ text: String) -> Int32 {
            if let id: Int32 = tokenToID[text] { return id }
            if let id: Int32 = extraIDs[text] { return id }
            let id: Int32 = Int32(vocabularySize + extra.count)
            extra.append(text)
            extraIDs[text] = id
            return id
        }
        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(mergeLines.count)
        for (rank, line): (Int, String) in mergeLines.enumerated() {
            let utf8: String.UTF8View = line.utf8
            guard !utf8.isEmpty else { continue }
            // llama.cpp splits at the first space after the first byte.
            let searchStart: String.Index = utf8.index(after: utf8.startIndex)
            guard let space: String.Index = utf8[searchStart...].firstIndex(of: 0x20) else { continue }
            let left: String = String(line[line.startIndex..<space])
            let right: String = String(line[line.index(after: space)...])
            let key: UInt64 = UInt64(UInt32(bitPattern: symbol(left))) << 32 | UInt64(UInt32(bitPattern: symbol(right)))
            if table[key] == nil {
                table[key] = Merge(rank: Int32(rank), result: symbol(left + right))
            }
        }
        self.byteSymbols = (0..<256).map { (byte: Int) -> Int32 in
            symbol(String(Unicode.Scalar(TokenizerByteLevel.byteToScalar[byte])!))
        }
        self.merges = table
        self.extraSymbols = extra
        self.asciiTokens = (0..<128).map { (value: Int) -> Int32 in
            tokenToID[String(Unicode.Scalar(UInt8(value)))] ?? -1
        }
    }

    /// A candidate merge waiting in the priority queue.
    private struct Candidate {
        let rank: Int32
        let left: Int32
        let right: Int32
        let leftSymbol: Int32
        let rightSymbol: Int32

        @inline(__always)
        func precedes(_ other: Candidate) -> Bool {
            rank < other.rank || (rank == other.rank && left < other.left)
        }
    }

    /// Merges one pre-tokenized word (its raw UTF-8 bytes) and appends the resulting token ids.
    func encode(word: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        let count: Int = word.count
        if count == 0 { return }
        if count == 1 {
            emit(byteSymbols[Int(word[0])], into: &output)
            return
        }
        var symbols: [Int32] = word.map { (byte: UInt8) -> Int32 in byteSymbols[Int(byte)] }
        var prev: [Int32] = (0..<count).map { (index: Int) -> Int32 in Int32(index - 1) }
        var next: [Int32] = (0..<count).map { (index: Int) -> Int32 in index + 1 < count ? Int32(index + 1) : -1 }
        var alive: [Bool] = Array(repeating: true, count: count)
        var heap: [Candidate] = []
        heap.reserveCapacity(count)

        func push(_ left: Int32, _ right: Int32) {
            if left < 0 || right < 0 { return }
            let leftSymbol: Int32 = symbols[Int(left)]
            let rightSymbol: Int32 = symbols[Int(right)]
            let key: UInt64 = UInt64(UInt32(bitPattern: leftSymbol)) << 32 | UInt64(UInt32(bitPattern: rightSymbol))
            guard let merge: Merge = merges[key] else { return }
            let candidate: Candidate = Candidate(
                rank: merge.rank, left: left, right: right, leftSymbol: leftSymbol, rightSymbol: rightSymbol)
            heap.append(candidate)
            var child: Int = heap.count - 1
            while child > 0 {
                let parent: Int = (child - 1) / 2
                if heap[child].precedes(heap[parent]) {
                    heap.swapAt(child, parent)
                    child = parent
                } else {
                    break
                }
            }
        }

        func pop() -> Candidate {
            let top: Candidate = heap[0]
            let last: Candidate = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var parent: Int = 0
                let size: Int = heap.count
                while true {
                    let leftChild: Int = 2 * parent + 1
                    if leftChild >= size { break }
                    var best: Int = leftChild
                    let rightChild: Int = leftChild + 1
                    if rightChild < size && heap[rightChild].precedes(heap[leftChild]) { best = rightChild }
                    if heap[best].precedes(heap[parent]) {
                        heap.swapAt(best, parent)
                        parent = best
                    } else {
                        break
                    }
                }
            }
            return top
        }

        for index: Int in 1..<count { push(Int32(index - 1), Int32(index)) }

        while !heap.isEmpty {
            let candidate: Candidate = pop()
            let left: Int = Int(candidate.left)
            let right: Int = Int(candidate.right)
            guard alive[left], alive[right], next[left] == candidate.right,
                symbols[left] == candidate.leftSymbol, symbols[right] == candidate.rightSymbol,
                let merge: Merge = merges[
                    UInt64(UInt32(bitPattern: candidate.leftSymbol)) << 32
                        | UInt64(UInt32(bitPattern: candidate.rightSymbol))]
            else { continue }
            symbols[left] = merge.result
            alive[right] = false
            next[left] = next[right]
            if next[right] >= 0 { prev[Int(next[right])] = candidate.left }
            push(prev[left], candidate.left)
            push(candidate.left, next[left])
        }

        var index: Int32 = 0
        while index >= 0 {
            emit(symbols[Int(index)], into: &output)
            index = next[Int(index)]
        }
    }

    /// Appends a final symbol: its token id, or for strings missing from the vocabulary, llama.cpp's fallback
    /// of looking up each byte of the string on its own.
    @inline(__always)
    func emit(_ symbol: Int32, into output: inout [Int32]) {
        if Int(symbol) < vocabularySize {
            output.append(symbol)
            return
        }
        for byte: UInt8 in extraSymbols[Int(symbol) - vocabularySize].utf8 where byte < 128 {
            let token: Int32 = asciiTokens[Int(byte)]
            if token >= 0 { output.append(token) }
        }
    }
}
