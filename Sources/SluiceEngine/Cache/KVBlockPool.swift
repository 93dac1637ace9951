/// Block bookkeeping of the paged KV cache: reference counts, the free list, and the prefix index that
/// lets sequences sharing a token prefix share its blocks (the context cache).
///
/// A block becomes *cached* when it is full and its tokens are known: it is entered in the index under a
/// chain hash of every token from position 0 to its end. A later sequence whose prompt starts with the
/// same tokens takes the cached blocks instead of recomputing them. A match is exact: besides the
/// hash, each block's own tokens and its parent block are compared, so a block is only reused after
/// the identical prefix.
///
/// The partly filled last block of a finished sequence is kept too, as a *tail* of its parent. Where a
/// prompt stops matching whole blocks, the cached child of the last matched block (full or tail) that
/// shares the most leading tokens with the rest of the prompt lends those slots: they are copied into a
/// fresh block. So a repeated prompt recomputes only its last token, not its last partial block.
///
/// Cached blocks no sequence uses sit in a least-recently-used list and are evicted (returned to use)
/// only when the free list is empty, so the cache never holds more than `blockCount` blocks, the memory
/// cap. Not thread-safe: only the engine thread touches it.
struct KVBlockPool {
    /// Blocks in the cache (the memory cap, in blocks).
    let blockCount: Int
    /// Token slots per block.
    let blockSize: Int

    private var refCounts: [Int32]
    private var free: [Int32]
    private var index: [UInt64: Int32] = [:]
    private var hashes: [UInt64]
    private var hashed: [Bool]
    private var parents: [Int32]
    private var blockTokens: [Int32]
    /// Cached blocks (full and tails) by their parent's chain hash.
    private var children: [UInt64: [Int32]] = [:]
    /// The parent chain hash of each cached block.
    private var parentHashes: [UInt64]
    /// Each tail's token count (0: not a tail); at most one tail per parent.
    private var tailCounts: [Int]
    private var tailCount: Int = 0
    private var lru: IndexLinkedList

    /// Cached blocks evicted so far to make room.
    private(set) var evictions: Int = 0

    init(blockCount: Int, blockSize: Int) {
        self.blockCount = blockCount
        self.blockSize = blockSize
        refCounts = [Int32](repeating: 0, count: blockCount)
        free = (0..<Int32(blockCount)).reversed()
        hashes = [UInt64](repeating: 0, count: blockCount)
        hashed = [Bool](repeating: false, count: blockCount)
        parents = [Int32](repeating: -1, count: blockCount)
        blockTokens = [Int32](repeating: 0, count: blockCount * blockSize)
        tailCounts = [Int](repeating: 0, count: blockCount)
        parentHashes = [UInt64](repeating: 0, count: blockCount)
        lru = IndexLinkedList(capacity: blockCount)
    }

    /// Blocks that can be handed out now: free ones plus cached ones no sequence uses.
    var available: Int { free.count + lru.count }
    /// Blocks in the prefix index (in use or not).
    var cachedBlocks: Int { index.count + tailCount }
    /// Blocks in use by at least one sequence.
    var blocksInUse: Int { blockCount - available }

    /// Hands out a block for a sequence to write: a free one, else the least recently used cached one.
    mutating func take() -> Int32? {
        let block: Int32
        if let next: Int32 = free.popLast() {
            block = next
        } else if let oldest: Int32 = lru.popFirst() {
            forget(oldest)
            evictions += 1
            block = oldest
        } else {
            return nil
        }
        refCounts[Int(block)] = 1
        return block
    }

    /// Adds a user to `block` (a cached block taken by another sequence).
    mutating func retain(_ block: Int32) {
        if refCounts[Int(block)] == 0 { lru.remove(block) }
        refCounts[Int(block)] += 1
    }

    /// Drops a user of `block`; an unused block stays cached (most recently used) if it is indexed, else is freed.
    mutating func release(_ block: Int32) {
        refCounts[Int(block)] -= 1
        guard refCounts[Int(block)] == 0 else { return }
        if hashed[Int(block)] || tailCounts[Int(block)] > 0 { lru.append(block) } else { free.append(block) }
    }

    /// The chain hash of a block holding `tokens` after the block whose chain hash is `parentHash`.
    static func chainHash(parent parentHash: UInt64, tokens: ArraySlice<Int32>) -> UInt64 {
        var hash: UInt64 = parentHash ^ 0x9E37_79B9_7F4A_7C15
        for token: Int32 in tokens {
            hash = (hash ^ UInt64(UInt32(bitPattern: token))) &* 0x0000_0100_0000_01B3
            hash ^= hash >> 29
        }
        return hash
    }

    /// The cached block that follows `parent` (-1 for the first block) and holds exactly `tokens`.
    func lookup(hash: UInt64, parent: Int32, tokens: ArraySlice<Int32>) -> Int32? {
        guard let block: Int32 = index[hash], parents[Int(block)] == parent else { return nil }
        let start: Int = Int(block) * blockSize
        guard blockTokens[start..<(start + blockSize)].elementsEqual(tokens) else { return nil }
        return block
    }

    /// Enters a full block in the prefix index; false when an identical block is already cached.
    @discardableResult
    mutating func register(_ block: Int32, hash: UInt64, parentHash: UInt64, parent: Int32, tokens: ArraySlice<Int32>) -> Bool {
        guard index[hash] == nil, !hashed[Int(block)] else { return false }
        index[hash] = block
        hashes[Int(block)] = hash
        hashed[Int(block)] = true
        parents[Int(block)] = parent
        parentHashes[Int(block)] = parentHash
        children[parentHash, default: []].append(block)
        let start: Int = Int(block) * blockSize
        blockTokens.replaceSubrange(start..<(start + blockSize), with: tokens)
        return true
    }

    /// Writes the tokens of a sequence's partly filled last block (kept up to date while it grows).
    mutating func recordTokens(_ block: Int32, tokens: ArraySlice<Int32>) {
        let start: Int = Int(block) * blockSize
        blockTokens.replaceSubrange(start..<(start + tokens.count), with: tokens)
    }

    /// Keeps `block`, holding `count` recorded tokens after the block whose chain hash is `parentHash`,
    /// as that parent's tail (replacing an older tail, which is freed). Call before releasing the block.
    mutating func registerTail(_ block: Int32, parentHash: UInt64, parent: Int32, count: Int) {
        guard count > 0, count < blockSize, !hashed[Int(block)], tailCounts[Int(block)] == 0 else { return }
        for old: Int32 in children[parentHash] ?? [] where tailCounts[Int(old)] > 0 && refCounts[Int(old)] == 0 {
            forget(old)
            lru.remove(old)
            free.append(old)
        }
        tailCounts[Int(block)] = count
        tailCount += 1
        parents[Int(block)] = parent
        parentHashes[Int(block)] = parentHash
        children[parentHash, default: []].append(block)
    }

    /// The cached block after `parent` (chain hash `parentHash`) whose leading tokens share the most with
    /// `tokens`, and how many they share.
    func lookupPartial(parentHash: UInt64, parent: Int32, tokens: ArraySlice<Int32>) -> (block: Int32, shared: Int)? {
        var best: (block: Int32, shared: Int)?
        for block: Int32 in children[parentHash] ?? [] where parents[Int(block)] == parent {
            let start: Int = Int(block) * blockSize
            let count: Int = tailCounts[Int(block)] > 0 ? tailCounts[Int(block)] : blockSize
            let shared: Int = zip(blockTokens[start..<(start + count)], tokens).prefix { $0 == $1 }.count
            if shared > (best?.shared ?? 0) { best = (block, shared) }
        }
        return best
    }

    /// Removes `block` from the prefix index (or from the tails).
    private mutating func forget(_ block: Int32) {
        guard hashed[Int(block)] || tailCounts[Int(block)] > 0 else { return }
        children[parentHashes[Int(block)]]?.removeAll { $0 == block }
        if children[parentHashes[Int(block)]]?.isEmpty == true { children[parentHashes[Int(block)]] = nil }
        if tailCounts[Int(block)] > 0 {
            tailCounts[Int(block)] = 0
            tailCount -= 1
        }
        if hashed[Int(block)] {
            index[hashes[Int(block)]] = nil
            hashed[Int(block)] = false
        }
        parents[Int(block)] = -1
    }
}
