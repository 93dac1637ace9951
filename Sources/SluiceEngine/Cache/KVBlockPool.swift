/// Block bookkeeping of the paged KV cache: reference counts, the free list, and the prefix index that
/// lets sequences sharing a token prefix share its blocks (the context cache).
///
/// A block becomes *cached* when it is full and its tokens are known: it is entered in the index under a
/// chain hash of every token from position 0 to its end. A later sequence whose prompt starts with the
/// same tokens takes the cached blocks instead of recomputing them. A match is exact: besides the
/// hash, each block's own tokens and its parent block are compared, so a block is only reused after
/// the identical prefix.
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
        lru = IndexLinkedList(capacity: blockCount)
    }

    /// Blocks that can be handed out now: free ones plus cached ones no sequence uses.
    var available: Int { free.count + lru.count }
    /// Blocks in the prefix index (in use or not).
    var cachedBlocks: Int { index.count }
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
        if hashed[Int(block)] { lru.append(block) } else { free.append(block) }
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
    mutating func register(_ block: Int32, hash: UInt64, parent: Int32, tokens: ArraySlice<Int32>) -> Bool {
        guard index[hash] == nil, !hashed[Int(block)] else { return false }
        index[hash] = block
        hashes[Int(block)] = hash
        hashed[Int(block)] = true
        parents[Int(block)] = parent
        let start: Int = Int(block) * blockSize
        blockTokens.replaceSubrange(start..<(start + blockSize), with: tokens)
        return true
    }

    /// Removes `block` from the prefix index.
    private mutating func forget(_ block: Int32) {
        guard hashed[Int(block)] else { return }
        index[hashes[Int(block)]] = nil
        hashed[Int(block)] = false
        parents[Int(block)] = -1
    }
}
