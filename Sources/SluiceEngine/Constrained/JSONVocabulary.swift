/// A tokenizer's vocabulary as a byte trie, for constrained decoding: built once per tokenizer and
/// shared by every request (it is immutable). Only ordinary text tokens (normal and byte tokens) are
/// in the trie; control and other special tokens can never be part of a JSON document.
///
/// The trie is stored in preorder: node `i`'s subtree is `i ..< next[i]`, its children start at `i + 1`,
/// and the tokens of a subtree are a contiguous range of `tokens`.
public final class JSONVocabulary: Sendable {
    /// The tokenizer (encodes literal prefixes and suffixes).
    public let tokenizer: Tokenizer
    /// Token ids that end generation (allowed only where the document may end).
    public let endTokens: Set<Int32>
    /// Number of token ids (the size of a logits row the tokenizer knows).
    public let tokenCount: Int
    /// Bytes per token id (empty for tokens outside the trie).
    let pieces: [[UInt8]]
    let nodeByte: [UInt8]
    let nodeDepth: [UInt16]
    let nodeNext: [Int32]
    /// Tokens ending at node `i` are `tokens[nodeTokenStart[i] ..< nodeTokenStart[i + 1]]` (one extra entry at the end).
    let nodeTokenStart: [Int32]
    let tokens: [Int32]
    /// The longest token, in bytes.
    let maxDepth: Int

    /// Builds the trie for `tokenizer`.
    /// - Parameter endTokens: the model's end tokens (default: the tokenizer's end-of-generation ids).
    public init(tokenizer: Tokenizer, endTokens: Set<Int32>? = nil) {
        self.tokenizer = tokenizer
        self.endTokens = endTokens ?? tokenizer.endOfGenerationIDs
        let count: Int = tokenizer.vocabularySize
        tokenCount = count
        var pieces: [[UInt8]] = []
        pieces.reserveCapacity(count)
        for id: Int in 0..<count {
            let type: TokenizerTokenType = tokenizer.tokenType(Int32(id))
            let usable: Bool = (type == .normal || type == .byte) && !self.endTokens.contains(Int32(id))
            pieces.append(usable ? tokenizer.pieceBytes(Int32(id)) : [])
        }
        self.pieces = pieces
        let order: [Int32] = (0..<Int32(count)).filter { !pieces[Int($0)].isEmpty }.sorted { (a: Int32, b: Int32) -> Bool in
            let left: [UInt8] = pieces[Int(a)]
            let right: [UInt8] = pieces[Int(b)]
            return left.lexicographicallyPrecedes(right) || (left == right && a < b)
        }
        var nodeByte: [UInt8] = []
        var nodeDepth: [UInt16] = []
        var nodeNext: [Int32] = []
        var nodeTokenStart: [Int32] = []
        var tokens: [Int32] = []
        var path: [Int] = []  // node index per depth - 1
        var previous: [UInt8] = []
        var deepest: Int = 0
        for id: Int32 in order {
            let bytes: [UInt8] = pieces[Int(id)]
            var shared: Int = 0
            while shared < min(bytes.count, previous.count) && bytes[shared] == previous[shared] { shared += 1 }
            if shared == bytes.count && bytes == previous {
                tokens.append(id)
                continue
            }
            while path.count > shared {
                nodeNext[path.removeLast()] = Int32(nodeByte.count)
            }
            for depth: Int in shared..<bytes.count {
                path.append(nodeByte.count)
                nodeByte.append(bytes[depth])
                nodeDepth.append(UInt16(depth + 1))
                nodeNext.append(0)
                nodeTokenStart.append(Int32(tokens.count))
            }
            tokens.append(id)
            deepest = max(deepest, bytes.count)
            previous = bytes
        }
        while let open: Int = path.popLast() { nodeNext[open] = Int32(nodeByte.count) }
        nodeTokenStart.append(Int32(tokens.count))
        self.nodeByte = nodeByte
        self.nodeDepth = nodeDepth
        self.nodeNext = nodeNext
        self.nodeTokenStart = nodeTokenStart
        self.tokens = tokens
        self.maxDepth = deepest
    }

    /// Number of trie nodes.
    public var nodeCount: Int { nodeByte.count }

    /// The bytes of `token` if it may appear inside a document, else nil.
    func piece(_ token: Int32) -> [UInt8]? {
        guard token >= 0, Int(token) < pieces.count else { return nil }
        let bytes: [UInt8] = pieces[Int(token)]
        return bytes.isEmpty ? nil : bytes
    }

    /// The longest token whose bytes start `bytes`, and its length.
    func longestToken(prefixOf bytes: ArraySlice<UInt8>) -> (token: Int32, length: Int)? {
        var best: (token: Int32, length: Int)?
        var node: Int = 0
        var end: Int = nodeByte.count
        var depth: Int = 0
        for byte: UInt8 in bytes {
            // Find the child of the current node (siblings in [node, end)) with this byte.
            var child: Int = node
            while child < end && nodeByte[child] != byte { child = Int(nodeNext[child]) }
            guard child < end else { break }
            depth += 1
            if nodeTokenStart[child] < nodeTokenStart[child + 1] {
                best = (tokens[Int(nodeTokenStart[child])], depth)
            }
            node = child + 1
            end = Int(nodeNext[child])
        }
        return best
    }

    /// Encodes literal text around the document (special tokens in it are parsed).
    func encode(_ text: String) -> [Int32] {
        text.isEmpty ? [] : tokenizer.encode(text, addSpecial: false, parseSpecial: true)
    }
}
