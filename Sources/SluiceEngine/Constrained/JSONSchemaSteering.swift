/// Steers decoding so that the output is a document of a ``JSONGrammar`` (JSON that validates against
/// the compiled schema), optionally between literal `prefix` and `suffix` text, within `maxTokens`.
///
/// Per token, ``allows(_:)`` walks only that token's bytes from the current state. ``mask(_:)`` (called
/// when the sampled token was refused) walks the vocabulary trie from the *top* of the state, prunes
/// dead subtrees, and caches the result by that top: tokens that stay within it are decided once per
/// request, the few that reach below it are checked one by one against the whole state.
///
/// Termination: whitespace is limited to one optional space after `:` and `,`, numbers to 15 digits,
/// and the budget is enforced: a token is allowed only if the document (and the suffix) can still be
/// completed in the tokens left, counting one token per byte of the shortest completion. When the
/// budget gets that tight, the steering forces the shortest completion, longest tokens first.
/// End tokens are refused until the document is complete (a finished object or array ends the
/// sequence by itself through ``isComplete``).
public final class JSONSchemaSteering: TokenSteering, @unchecked Sendable {
    enum Phase { case prefix, json, suffix, done }

    public let grammar: JSONGrammar
    public let vocabulary: JSONVocabulary
    /// The token budget the run was created with.
    public let maxTokens: Int
    /// Counters for benchmarks.
    public internal(set) var statistics: JSONSteeringStatistics = JSONSteeringStatistics()

    var matcher: JSONMatcher
    var walker: JSONMaskWalker
    private(set) var state: JSONMatchState
    var phase: Phase
    var produced: Int = 0
    private let prefixTokens: [Int32]
    let suffixTokens: [Int32]
    /// One token kept back when possible, so that the document completes before `maxTokens` and the
    /// sequence ends with finish reason `stop` rather than `length`.
    let reserve: Int
    private var literalIndex: Int = 0
    /// The shortest completion being forced (near the end of the budget), and how much of it is done.
    var forcedPath: [UInt8]?
    private var forcedOffset: Int = 0
    var lastCheck: (token: Int32, state: JSONMatchState)?
    var cache: [[UInt32]: JSONTokenMask] = [:]
    static let cacheLimit: Int = 1024

    /// - Parameters:
    ///   - grammar: the compiled schema (``JSONSchemaCompiler``).
    ///   - vocabulary: the model's vocabulary trie (build once per tokenizer and reuse).
    ///   - maxTokens: the run's token budget (prefix and suffix included).
    ///   - prefix: literal text forced before the document (e.g. `<tool_call>\n`).
    ///   - suffix: literal text forced after it (e.g. `\n</tool_call>`).
    /// - Throws: ``JSONSchemaError/budgetTooSmall(needed:available:)`` when even the shortest valid
    ///   output does not fit in `maxTokens`.
    public init(
        grammar: JSONGrammar, vocabulary: JSONVocabulary, maxTokens: Int, prefix: String = "", suffix: String = ""
    ) throws(JSONSchemaError) {
        self.grammar = grammar
        self.vocabulary = vocabulary
        self.maxTokens = maxTokens
        var matcher: JSONMatcher = JSONMatcher(grammar: grammar)
        let initial: JSONMatchState = matcher.initialState()
        self.state = initial
        self.prefixTokens = vocabulary.encode(prefix)
        self.suffixTokens = vocabulary.encode(suffix)
        let shortest: [UInt8] = matcher.shortestCompletion(from: initial)
        self.matcher = matcher
        self.walker = JSONMaskWalker(depth: vocabulary.maxDepth)
        self.phase = prefixTokens.isEmpty ? .json : .prefix
        let needed: Int = prefixTokens.count + Self.tokenCount(shortest, vocabulary) + suffixTokens.count
        guard needed <= maxTokens else { throw JSONSchemaError.budgetTooSmall(needed: needed, available: maxTokens) }
        self.reserve = needed < maxTokens ? 1 : 0
    }

    /// Tokens needed to write `bytes` with the longest tokens first.
    static func tokenCount(_ bytes: [UInt8], _ vocabulary: JSONVocabulary) -> Int {
        var offset: Int = 0
        var count: Int = 0
        while offset < bytes.count {
            offset += vocabulary.longestToken(prefixOf: bytes[offset...])?.length ?? 1
            count += 1
        }
        return count
    }

    public var isComplete: Bool { phase == .done }

    public func forcedToken() -> Int32? {
        switch phase {
        case .prefix: return prefixTokens[literalIndex]
        case .suffix: return suffixTokens[literalIndex]
        case .done: return nil
        case .json: break
        }
        if forcedPath == nil {
            let remaining: Int = maxTokens - reserve - produced
            if Int(matcher.minimumBytes(state)) + suffixTokens.count <= remaining { return nil }
            forcedPath = matcher.shortestCompletion(from: state)
            forcedOffset = 0
        }
        guard let path: [UInt8] = forcedPath, forcedOffset < path.count,
            let next: (token: Int32, length: Int) = vocabulary.longestToken(prefixOf: path[forcedOffset...])
        else { return nil }
        statistics.forced += 1
        return next.token
    }

    public func allows(_ token: Int32) -> Bool {
        statistics.checks += 1
        switch phase {
        case .prefix: return token == prefixTokens[literalIndex]
        case .suffix: return token == suffixTokens[literalIndex]
        case .done: return vocabulary.endTokens.contains(token)
        case .json: break
        }
        if forcedPath != nil { return token == forcedToken() }
        if state.isAccepting {
            if suffixTokens.isEmpty ? vocabulary.endTokens.contains(token) : token == suffixTokens[0] { return true }
        }
        return checkDocument(token)
    }

    /// Whether `token` continues the document and leaves enough budget to finish it.
    func checkDocument(_ token: Int32) -> Bool {
        guard let piece: [UInt8] = vocabulary.piece(token) else { return false }
        let next: JSONMatchState = matcher.advance(state, bytes: piece)
        guard !next.isDead else { return false }
        let budget: Int = maxTokens - reserve - produced - 1 - suffixTokens.count
        guard Int(matcher.minimumBytes(next)) <= budget else { return false }
        lastCheck = (token, next)
        return true
    }

    public func accept(_ token: Int32) {
        produced += 1
        switch phase {
        case .prefix:
            literalIndex += 1
            if literalIndex == prefixTokens.count {
                phase = .json
                literalIndex = 0
            }
        case .suffix:
            literalIndex += 1
            if literalIndex == suffixTokens.count { phase = .done }
        case .done:
            break
        case .json:
            acceptDocument(token)
        }
    }

    private func acceptDocument(_ token: Int32) {
        let piece: [UInt8] = vocabulary.piece(token) ?? []
        let next: JSONMatchState
        if let check = lastCheck, check.token == token {
            next = check.state
        } else {
            next = piece.isEmpty ? JSONMatchState(words: []) : matcher.advance(state, bytes: piece)
        }
        lastCheck = nil
        if next.isDead {
            // Only the suffix's first token may end an extendable document (e.g. a top-level number).
            if state.isAccepting && !suffixTokens.isEmpty && token == suffixTokens[0] {
                literalIndex = 1
                phase = suffixTokens.count == 1 ? .done : .suffix
            } else {
                phase = .done
            }
            return
        }
        state = next
        var finished: Bool = state.isFinished
        if let path: [UInt8] = forcedPath {
            forcedOffset += piece.count
            finished = finished || forcedOffset >= path.count
        }
        if finished {
            literalIndex = 0
            phase = suffixTokens.isEmpty ? .done : .suffix
        }
    }
}
