/// Where a match is: a set of parse stacks, flattened as `[count, bottom ... top]` per stack.
///
/// Each entry is a grammar element index in the low 24 bits; the top entry of a stack is a terminal
/// (a byte class or a string character, whose sub-state is in the high 8 bits), the entries below it
/// are where to continue when the rule above finishes. An empty stack means the document is complete.
/// The value is cheap to copy (one array), and hashable for caching masks.
public struct JSONMatchState: Hashable, Sendable {
    var words: [UInt32]

    /// The stack-bottom marker standing for "the rest of the real stack" when masks are computed for
    /// the top of a state only.
    static let sentinel: UInt32 = 0x00FF_FFFF

    static func element(_ entry: UInt32) -> Int { Int(entry & 0x00FF_FFFF) }
    static func sub(_ entry: UInt32) -> UInt32 { entry >> 24 }

    /// No stack is left: the input so far cannot be continued into a valid document.
    public var isDead: Bool { words.isEmpty }

    /// The input so far is a complete document (it may still be extendable, like a top-level number).
    public var isAccepting: Bool {
        var index: Int = 0
        while index < words.count {
            if words[index] == 0 { return true }
            index += Int(words[index]) + 1
        }
        return false
    }

    /// The input so far is a complete document that cannot be extended.
    public var isFinished: Bool { words == [0] }

    /// Calls `body` with each stack's entries (bottom first).
    func forEachStack(_ body: (ArraySlice<UInt32>) -> Void) {
        var index: Int = 0
        while index < words.count {
            let count: Int = Int(words[index])
            body(words[(index + 1)..<(index + 1 + count)])
            index += count + 1
        }
    }
}
