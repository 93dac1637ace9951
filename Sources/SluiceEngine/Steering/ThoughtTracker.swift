/// Follows a reasoning model's thought token by token: whether the output is still inside
/// `<think>…</think>`, how many reasoning tokens it has spent, and — once a budget is used up — which
/// tokens close the thought.
///
/// The tracker only looks at the bytes of the tokens (tags split across several tokens, or one special
/// token such as Qwen3's `</think>`, are found alike) and is deterministic: ``ThinkingBudgetSteering``
/// runs one to steer decoding, and the provider runs a second copy over the emitted tokens to count
/// reasoning tokens for the usage, which therefore matches what the steering did.
///
/// Counting: a reasoning token is a token accepted while the thought is open that does not complete the
/// closing tag. The tokens of the opening tag, the token that completes a natural closing tag, and the
/// closing tokens forced after the budget are not reasoning tokens. So with a budget of N the count is
/// exactly N when the budget closes the thought, or the count up to the natural close when it is shorter.
public struct ThoughtTracker: Sendable {
    /// Where the output is.
    public enum Phase: Sendable, Equatable {
        /// Nothing but whitespace yet: the output may still open a thought with the opening tag.
        case awaitingOpen
        /// Inside the thought.
        case thinking
        /// The budget is spent: the closing tokens are being forced.
        case closing
        /// After the thought (or there was none): the answer.
        case answer
    }

    /// The current phase.
    public private(set) var phase: Phase
    /// Reasoning tokens so far (see the type's documentation).
    public private(set) var reasoningTokens: Int = 0
    /// Whether a thought was ever open.
    public private(set) var opened: Bool
    /// The reasoning-token budget, or nil for none.
    public let budget: Int?

    private let tokenizer: Tokenizer
    private let openTag: [UInt8]
    private let closeTag: [UInt8]
    private let separator: String
    private let forcesSeparator: Bool
    /// Leading bytes (before a thought opens) or the last bytes of the thought (to find a split closing tag).
    private var tail: [UInt8] = []
    private var pendingClose: [Int32] = []

    /// - Parameters:
    ///   - tokenizer: the model's tokenizer (token bytes, and encoding the closing text).
    ///   - startsInThought: the prompt already opened the thought (its generation prompt ends with `<think>`).
    ///   - budget: reasoning tokens allowed before the thought is closed, or nil for no limit.
    ///   - openTag: the text that opens a thought at the start of the output.
    ///   - closeTag: the text that closes it.
    ///   - separator: the text forced after a closing tag the budget forces (`"\n\n"`, as Qwen3 and
    ///     DeepSeek-R1 write it).
    ///   - forcesSeparator: also force `separator` after a natural close (used when a steering for the
    ///     answer follows, which must start right at the answer).
    public init(
        tokenizer: Tokenizer, startsInThought: Bool, budget: Int?, openTag: String = "<think>", closeTag: String = "</think>",
        separator: String = "\n\n", forcesSeparator: Bool = false
    ) {
        self.tokenizer = tokenizer
        self.budget = budget.map { max(0, $0) }
        self.openTag = Array(openTag.utf8)
        self.closeTag = Array(closeTag.utf8)
        self.separator = separator
        self.forcesSeparator = forcesSeparator
        self.phase = startsInThought ? .thinking : .awaitingOpen
        self.opened = startsInThought
        if startsInThought { closeIfBudgetSpent() }
    }

    /// The token that must come next (while closing), or nil.
    public var forcedToken: Int32? { phase == .closing ? pendingClose.first : nil }

    /// Goes straight to the answer: the output will not open a thought.
    public mutating func skipThought() {
        guard phase == .awaitingOpen else { return }
        phase = .answer
        tail = []
    }

    /// Records that `token` came next.
    public mutating func accept(_ token: Int32) {
        let bytes: [UInt8] = tokenizer.pieceBytes(token, includeSpecial: true)
        switch phase {
        case .awaitingOpen:
            tail += bytes
            let rest: ArraySlice<UInt8> = tail.drop { (byte: UInt8) -> Bool in Self.isWhitespace(byte) }
            if rest.starts(with: openTag) {
                phase = .thinking
                opened = true
                tail = Array(rest.dropFirst(openTag.count))
                if contains(tail, closeTag) {
                    close(natural: true)
                } else {
                    closeIfBudgetSpent()
                }
            } else if !openTag.starts(with: rest) {
                phase = .answer
                tail = []
            }
        case .thinking:
            tail += bytes
            if contains(tail, closeTag) {
                close(natural: true)
                return
            }
            reasoningTokens += 1
            if tail.count >= closeTag.count { tail.removeFirst(tail.count - (closeTag.count - 1)) }
            closeIfBudgetSpent()
        case .closing:
            if !pendingClose.isEmpty { pendingClose.removeFirst() }
            if pendingClose.isEmpty { phase = .answer }
        case .answer:
            break
        }
    }

    private mutating func closeIfBudgetSpent() {
        guard let budget, reasoningTokens >= budget else { return }
        close(natural: false)
    }

    /// Ends the thought: forces the rest of the closing tag (and the separator) after the budget, or only
    /// the separator after a natural close when `forcesSeparator` is set.
    private mutating func close(natural: Bool) {
        var text: String
        if natural {
            text = forcesSeparator ? separator : ""
        } else {
            let started: Int = partialTagLength(tail)
            let rest: ArraySlice<UInt8> = closeTag[started...]
            text = (started == 0 ? "\n" : "") + String(decoding: rest, as: UTF8.self) + separator
        }
        tail = []
        pendingClose = text.isEmpty ? [] : tokenizer.encode(text, addSpecial: false, parseSpecial: true)
        phase = pendingClose.isEmpty ? .answer : .closing
    }

    /// The length of the longest suffix of `bytes` that is a proper prefix of the closing tag.
    private func partialTagLength(_ bytes: [UInt8]) -> Int {
        var length: Int = min(bytes.count, closeTag.count - 1)
        while length > 0 {
            if bytes.suffix(length).elementsEqual(closeTag.prefix(length)) { return length }
            length -= 1
        }
        return 0
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start: Int in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
