/// The pushdown matcher over UTF-8 bytes: advances sets of parse stacks (``JSONMatchState``) one byte
/// at a time, llama.cpp-grammar style. Holds scratch space, so keep one per steering.
struct JSONMatcher {
    let grammar: JSONGrammar
    private var work: [UInt32] = []
    private var scratch: [UInt32] = []

    init(grammar: JSONGrammar) {
        self.grammar = grammar
        work.reserveCapacity(64)
    }

    /// The state before any byte.
    mutating func initialState() -> JSONMatchState {
        var output: [UInt32] = []
        work.removeAll(keepingCapacity: true)
        for alt: Int in Int(grammar.ruleAlts[grammar.root])..<Int(grammar.ruleAlts[grammar.root + 1]) {
            expand(grammar.altStarts[alt], into: &output)
        }
        return JSONMatchState(words: output)
    }

    /// The state after `bytes`, or a dead state.
    mutating func advance(_ state: JSONMatchState, bytes: [UInt8]) -> JSONMatchState {
        var current: [UInt32] = state.words
        var next: [UInt32] = scratch
        scratch = []
        for byte: UInt8 in bytes {
            next.removeAll(keepingCapacity: true)
            current.withUnsafeBufferPointer { advance($0, byte: byte, into: &next) }
            if next.isEmpty { return JSONMatchState(words: []) }
            swap(&current, &next)
        }
        scratch = next
        return JSONMatchState(words: current)
    }

    /// Appends to `output` (deduplicated) the stacks that the flat stacks in `input` reach by consuming
    /// `byte`. Empty stacks and stacks whose top is the sentinel consume nothing.
    mutating func advance(_ input: UnsafeBufferPointer<UInt32>, byte: UInt8, into output: inout [UInt32]) {
        var index: Int = 0
        let count: Int = input.count
        while index < count {
            let length: Int = Int(input[index])
            let start: Int = index + 1
            index = start + length
            guard length > 0 else { continue }
            let top: UInt32 = input[index - 1]
            if top == JSONMatchState.sentinel { continue }
            let element: Int = JSONMatchState.element(top)
            let kind: UInt8 = grammar.kinds[element]
            if kind == JSONGrammar.Kind.bytes {
                guard grammar.classContains(grammar.args[element], byte) else { continue }
                work.removeAll(keepingCapacity: true)
                work.append(contentsOf: input[start..<(index - 1)])
                expand(UInt32(element + 1), into: &output)
            } else {
                switch JSONStringChar.step(JSONMatchState.sub(top), byte) {
                case .reject:
                    continue
                case .next(let sub):
                    work.removeAll(keepingCapacity: true)
                    work.append(contentsOf: input[start..<(index - 1)])
                    work.append(UInt32(element) | (sub << 24))
                    emit(into: &output)
                case .done:
                    work.removeAll(keepingCapacity: true)
                    work.append(contentsOf: input[start..<(index - 1)])
                    expand(UInt32(element + 1), into: &output)
                }
            }
        }
    }

    /// Continues at element `position` on top of `work`, emitting every stack whose top is a terminal.
    private mutating func expand(_ position: UInt32, into output: inout [UInt32]) {
        let element: Int = Int(position)
        switch grammar.kinds[element] {
        case JSONGrammar.Kind.end:
            guard let below: UInt32 = work.last, below != JSONMatchState.sentinel else {
                emit(into: &output)
                return
            }
            work.removeLast()
            expand(below, into: &output)
            work.append(below)
        case JSONGrammar.Kind.rule:
            let rule: Int = Int(grammar.args[element])
            let push: Bool = grammar.kinds[element + 1] != JSONGrammar.Kind.end
            if push { work.append(position + 1) }
            for alt: Int in Int(grammar.ruleAlts[rule])..<Int(grammar.ruleAlts[rule + 1]) {
                expand(grammar.altStarts[alt], into: &output)
            }
            if push { work.removeLast() }
        default:
            work.append(position)
            emit(into: &output)
            work.removeLast()
        }
    }

    /// Appends `work` as a stack unless `output` already holds it.
    private func emit(into output: inout [UInt32]) {
        let length: Int = work.count
        var index: Int = 0
        while index < output.count {
            let existing: Int = Int(output[index])
            if existing == length {
                var same: Bool = true
                var offset: Int = 0
                while offset < length {
                    if output[index + 1 + offset] != work[offset] {
                        same = false
                        break
                    }
                    offset += 1
                }
                if same { return }
            }
            index += existing + 1
        }
        output.append(UInt32(length))
        output.append(contentsOf: work)
    }

    // MARK: Costs

    /// Fewest bytes that complete one stack's entries (sentinel entries count as zero).
    func cost(_ entries: ArraySlice<UInt32>) -> UInt32 {
        var total: UInt32 = 0
        var index: Int = entries.startIndex
        let top: Int = entries.endIndex - 1
        while index <= top {
            let entry: UInt32 = entries[index]
            if entry != JSONMatchState.sentinel {
                let element: Int = JSONMatchState.element(entry)
                if index == top && grammar.kinds[element] == JSONGrammar.Kind.char {
                    total &+= JSONStringChar.remaining(JSONMatchState.sub(entry)) &+ grammar.minRest[element + 1]
                } else {
                    total &+= grammar.minRest[element]
                }
            }
            index += 1
        }
        return total
    }

    /// Fewest bytes that complete the document from flat stacks (`infinity` when there are none).
    func minimumBytes(_ words: UnsafeBufferPointer<UInt32>) -> UInt32 {
        var best: UInt32 = JSONGrammar.infinity
        var index: Int = 0
        while index < words.count {
            let length: Int = Int(words[index])
            var total: UInt32 = 0
            var position: Int = index + 1
            let top: Int = index + length
            while position <= top {
                let entry: UInt32 = words[position]
                if entry != JSONMatchState.sentinel {
                    let element: Int = JSONMatchState.element(entry)
                    if position == top && grammar.kinds[element] == JSONGrammar.Kind.char {
                        total &+= JSONStringChar.remaining(JSONMatchState.sub(entry)) &+ grammar.minRest[element + 1]
                    } else {
                        total &+= grammar.minRest[element]
                    }
                }
                position += 1
            }
            best = min(best, total)
            index = top + 1
        }
        return best
    }

    func minimumBytes(_ state: JSONMatchState) -> UInt32 {
        state.words.withUnsafeBufferPointer { minimumBytes($0) }
    }
}
