#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A paged key/value cache shared by many sequences, with a prefix cache over its blocks.
///
/// Storage is split into blocks of `blockSize` token slots. Each sequence owns a block table mapping
/// its positions to blocks, so sequences grow independently (continuous batching). Full blocks are
/// entered in a prefix index (see `KVBlockPool`) and shared by later sequences with the same prefix.
/// Keys and values are stored as IEEE half floats, laid out `[layer][block][slot][kvDim]`. The backing
/// memory is an anonymous mapping, so untouched blocks cost no RSS; `blockCount` caps what it can hold.
///
/// Not thread-safe: the engine mutates it only between forward passes, on its own thread.
public final class PagedKVCache: @unchecked Sendable {
    public let layerCount: Int
    public let kvDim: Int
    public let blockSize: Int
    public let blockCount: Int
    /// Maximum sequences alive at once.
    public let maxSequences: Int
    /// Maximum tokens per sequence (the model's context length, rounded up to whole blocks).
    public let maxBlocksPerSequence: Int

    let keys: UnsafeMutablePointer<UInt16>
    let values: UnsafeMutablePointer<UInt16>
    /// `maxSequences x maxBlocksPerSequence` block ids.
    let blockTables: UnsafeMutablePointer<Int32>
    private let mappingBytes: Int
    private var pool: KVBlockPool
    private var lengths: [Int]
    private var blocksUsed: [Int]
    private var allocated: [Bool]
    /// Leading blocks of each sequence already entered in (or taken from) the prefix index.
    private var committedBlocks: [Int]
    /// Chain hash of each sequence's last committed block.
    private var chainHashes: [UInt64]
    /// Blocks promised to each sequence and not yet handed out (see `reserveAhead`).
    private var promised: [Int]
    /// The sequence length at which its partly filled last block's tokens were last recorded.
    private var tailRecordedAt: [Int]
    private var promisedTotal: Int = 0

    /// Halves per layer.
    var layerStride: Int { blockCount * blockSize * kvDim }

    /// Bytes of KV storage per cached token (keys and values of every layer).
    public static func bytesPerToken(layerCount: Int, kvDim: Int) -> Int { layerCount * kvDim * 2 * 2 }

    /// Creates a cache holding `capacityTokens` tokens in total.
    public init(layerCount: Int, kvDim: Int, contextLength: Int, capacityTokens: Int, maxSequences: Int = 16, blockSize: Int = 32) {
        self.layerCount = layerCount
        self.kvDim = kvDim
        self.blockSize = blockSize
        self.blockCount = max(1, (capacityTokens + blockSize - 1) / blockSize)
        self.maxSequences = maxSequences
        self.maxBlocksPerSequence = (contextLength + blockSize - 1) / blockSize
        let halves: Int = layerCount * blockCount * blockSize * kvDim
        let bytes: Int = halves * 2 * 2
        mappingBytes = bytes
        let raw: UnsafeMutableRawPointer? = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        let base: UnsafeMutableRawPointer =
            (raw == nil || raw == MAP_FAILED) ? UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64) : raw!
        keys = base.bindMemory(to: UInt16.self, capacity: halves * 2)
        values = keys + halves
        blockTables = .allocate(capacity: maxSequences * maxBlocksPerSequence)
        blockTables.initialize(repeating: 0, count: maxSequences * maxBlocksPerSequence)
        pool = KVBlockPool(blockCount: blockCount, blockSize: blockSize)
        lengths = [Int](repeating: 0, count: maxSequences)
        blocksUsed = [Int](repeating: 0, count: maxSequences)
        allocated = [Bool](repeating: false, count: maxSequences)
        committedBlocks = [Int](repeating: 0, count: maxSequences)
        chainHashes = [UInt64](repeating: 0, count: maxSequences)
        promised = [Int](repeating: 0, count: maxSequences)
        tailRecordedAt = [Int](repeating: -1, count: maxSequences)
    }

    deinit {
        _ = munmap(UnsafeMutableRawPointer(keys), mappingBytes)
        blockTables.deallocate()
    }

    /// Total capacity in tokens.
    public var capacityTokens: Int { blockCount * blockSize }
    /// What the cache holds right now.
    public var statistics: KVCacheStatistics {
        KVCacheStatistics(
            capacityBlocks: blockCount, blockSize: blockSize, blocksInUse: pool.blocksInUse, cachedBlocks: pool.cachedBlocks,
            evictions: pool.evictions, liveSequences: allocated.filter { $0 }.count)
    }

    /// Claims a free sequence slot.
    public func allocateSequence() throws(EngineError) -> Int {
        guard let slot: Int = allocated.firstIndex(of: false) else { throw EngineError.invalidSequence(-1) }
        allocated[slot] = true
        lengths[slot] = 0
        blocksUsed[slot] = 0
        committedBlocks[slot] = 0
        chainHashes[slot] = 0
        promised[slot] = 0
        tailRecordedAt[slot] = -1
        return slot
    }

    /// Returns a sequence's blocks (its cached ones stay in the prefix cache) and frees its slot.
    public func releaseSequence(_ sequence: Int) {
        guard sequence >= 0, sequence < maxSequences, allocated[sequence] else { return }
        let table: UnsafeMutablePointer<Int32> = blockTable(sequence)
        let full: Int = lengths[sequence] / blockSize
        if tailRecordedAt[sequence] == lengths[sequence], lengths[sequence] % blockSize > 0,
           committedBlocks[sequence] == full, blocksUsed[sequence] == full + 1
        {
            pool.registerTail(
                table[full], parentHash: chainHashes[sequence], parent: full == 0 ? -1 : table[full - 1],
                count: lengths[sequence] % blockSize)
        }
        // Last block first, so a prefix's later blocks are evicted before its earlier ones.
        while blocksUsed[sequence] > 0 {
            blocksUsed[sequence] -= 1
            pool.release(table[blocksUsed[sequence]])
        }
        promisedTotal -= promised[sequence]
        promised[sequence] = 0
        lengths[sequence] = 0
        committedBlocks[sequence] = 0
        allocated[sequence] = false
    }

    /// Tokens currently cached for `sequence`.
    public func length(of sequence: Int) -> Int {
        guard sequence >= 0, sequence < maxSequences else { return 0 }
        return lengths[sequence]
    }

    /// Starts an empty `sequence` with the longest cached prefix of `tokens` (whole blocks, then the slots
    /// it shares with a cached block after them, copied; at least the last token is left to compute) and
    /// returns how many tokens it covers.
    public func attachPrefix(_ sequence: Int, tokens: [Int32]) -> Int {
        guard sequence >= 0, sequence < maxSequences, allocated[sequence], lengths[sequence] == 0 else { return 0 }
        let table: UnsafeMutablePointer<Int32> = blockTable(sequence)
        let limit: Int = min((tokens.count - 1) / blockSize, maxBlocksPerSequence)
        var parent: Int32 = -1
        var hash: UInt64 = 0
        var matched: Int = 0
        while matched < limit {
            let slice: ArraySlice<Int32> = tokens[(matched * blockSize)..<((matched + 1) * blockSize)]
            let next: UInt64 = KVBlockPool.chainHash(parent: hash, tokens: slice)
            guard let block: Int32 = pool.lookup(hash: next, parent: parent, tokens: slice) else { break }
            pool.retain(block)
            table[matched] = block
            parent = block
            hash = next
            matched += 1
        }
        blocksUsed[sequence] = matched
        committedBlocks[sequence] = matched
        chainHashes[sequence] = hash
        lengths[sequence] = matched * blockSize
        // Then the slots shared with a cached block after the same prefix (a full one or a tail), copied.
        let start: Int = matched * blockSize
        let end: Int = min(tokens.count - 1, start + blockSize)
        guard matched < maxBlocksPerSequence, start < end, unpromisedBlocks > 0,
              let (tail, shared) = pool.lookupPartial(parentHash: hash, parent: parent, tokens: tokens[start..<end])
        else { return lengths[sequence] }
        pool.retain(tail)
        defer { pool.release(tail) }
        guard let fresh: Int32 = pool.take() else { return lengths[sequence] }
        copySlots(from: tail, to: fresh, count: shared)
        table[matched] = fresh
        blocksUsed[sequence] = matched + 1
        lengths[sequence] = start + shared
        return lengths[sequence]
    }

    /// Copies the first `count` token slots of block `source` into block `target`, in every layer.
    private func copySlots(from source: Int32, to target: Int32, count: Int) {
        let halves: Int = count * kvDim
        for layer: Int in 0..<layerCount {
            let base: Int = layer * layerStride
            let from: Int = base + Int(source) * blockSize * kvDim
            let to: Int = base + Int(target) * blockSize * kvDim
            (keys + to).update(from: keys + from, count: halves)
            (values + to).update(from: values + from, count: halves)
        }
    }

    /// Enters `sequence`'s newly completed blocks in the prefix index. `tokens` are the sequence's tokens
    /// from position 0 (at least its cached length). A block identical to one already cached is replaced
    /// by the cached one, so the cache keeps one copy.
    public func commit(_ sequence: Int, tokens: [Int32]) {
        guard sequence >= 0, sequence < maxSequences, allocated[sequence] else { return }
        let table: UnsafeMutablePointer<Int32> = blockTable(sequence)
        let full: Int = min(lengths[sequence], tokens.count) / blockSize
        while committedBlocks[sequence] < full {
            let b: Int = committedBlocks[sequence]
            let slice: ArraySlice<Int32> = tokens[(b * blockSize)..<((b + 1) * blockSize)]
            let parent: Int32 = b == 0 ? -1 : table[b - 1]
            let hash: UInt64 = KVBlockPool.chainHash(parent: chainHashes[sequence], tokens: slice)
            if !pool.register(table[b], hash: hash, parentHash: chainHashes[sequence], parent: parent, tokens: slice),
               let existing: Int32 = pool.lookup(hash: hash, parent: parent, tokens: slice), existing != table[b]
            {
                pool.retain(existing)
                pool.release(table[b])
                table[b] = existing
            }
            chainHashes[sequence] = hash
            committedBlocks[sequence] = b + 1
        }
        // The partly filled last block's tokens, so it can be kept as a tail when the sequence ends.
        let partial: Int = lengths[sequence] % blockSize
        if partial > 0, tokens.count >= lengths[sequence], blocksUsed[sequence] == full + 1 {
            pool.recordTokens(table[full], tokens: tokens[(full * blockSize)..<(full * blockSize + partial)])
            tailRecordedAt[sequence] = lengths[sequence]
        }
    }

    /// Blocks that can still be promised: free or evictable blocks not promised to a sequence yet.
    public var unpromisedBlocks: Int { pool.available - promisedTotal }

    /// Promises `sequence` enough blocks to grow to `length` tokens, if the cache can keep that promise.
    /// A sequence that has been promised its blocks never runs out of cache mid-generation.
    public func reserveAhead(_ sequence: Int, length: Int) -> Bool {
        guard sequence >= 0, sequence < maxSequences, allocated[sequence] else { return false }
        let needed: Int = max(0, (length + blockSize - 1) / blockSize - blocksUsed[sequence] - promised[sequence])
        guard needed <= unpromisedBlocks else { return false }
        promised[sequence] += needed
        promisedTotal += needed
        return true
    }

    /// Makes room for positions `0..<length` of `sequence`, allocating blocks as needed.
    func reserve(_ sequence: Int, length: Int) throws(EngineError) {
        guard sequence >= 0, sequence < maxSequences, allocated[sequence] else { throw EngineError.invalidSequence(sequence) }
        let neededBlocks: Int = (length + blockSize - 1) / blockSize
        guard neededBlocks <= maxBlocksPerSequence else {
            throw EngineError.contextOverflow(position: length - 1, contextLength: maxBlocksPerSequence * blockSize)
        }
        let table: UnsafeMutablePointer<Int32> = blockTable(sequence)
        while blocksUsed[sequence] < neededBlocks {
            // Unpromised takes must leave the promised blocks alone.
            guard promised[sequence] > 0 || unpromisedBlocks > 0, let block: Int32 = pool.take() else {
                throw EngineError.cacheFull(sequence: sequence, needed: neededBlocks - blocksUsed[sequence])
            }
            if promised[sequence] > 0 {
                promised[sequence] -= 1
                promisedTotal -= 1
            }
            table[blocksUsed[sequence]] = block
            blocksUsed[sequence] += 1
        }
        lengths[sequence] = max(lengths[sequence], length)
    }

    /// The block table of `sequence`.
    func blockTable(_ sequence: Int) -> UnsafeMutablePointer<Int32> {
        blockTables + sequence * maxBlocksPerSequence
    }

    /// Index (in halves, within a layer) of the slot holding `position` of `sequence`.
    func slotOffset(_ sequence: Int, position: Int) -> Int {
        let block: Int = Int(blockTable(sequence)[position / blockSize])
        return (block * blockSize + position % blockSize) * kvDim
    }
}

/// A snapshot of the KV cache's occupancy.
public struct KVCacheStatistics: Sendable, Equatable {
    /// The cap, in blocks.
    public var capacityBlocks: Int
    /// Tokens per block.
    public var blockSize: Int
    /// Blocks held by live sequences.
    public var blocksInUse: Int
    /// Blocks in the prefix index (in use or kept for reuse).
    public var cachedBlocks: Int
    /// Cached blocks evicted to make room so far.
    public var evictions: Int
    /// Sequences alive.
    public var liveSequences: Int
}
