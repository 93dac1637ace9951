#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A paged key/value cache shared by many sequences.
///
/// Storage is split into blocks of `blockSize` token slots. Each sequence owns a block table mapping
/// its positions to blocks, so sequences grow independently (continuous batching) and a later change
/// can share prefix blocks between sequences. Keys and values are stored as IEEE half floats, laid out
/// `[layer][block][slot][kvDim]`. The backing memory is an anonymous mapping, so untouched blocks cost
/// no RSS.
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
    private var freeBlocks: [Int32]
    private var lengths: [Int]
    private var blocksUsed: [Int]
    private var allocated: [Bool]

    /// Halves per layer.
    var layerStride: Int { blockCount * blockSize * kvDim }

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
        freeBlocks = (0..<Int32(blockCount)).reversed()
        lengths = [Int](repeating: 0, count: maxSequences)
        blocksUsed = [Int](repeating: 0, count: maxSequences)
        allocated = [Bool](repeating: false, count: maxSequences)
    }

    deinit {
        _ = munmap(UnsafeMutableRawPointer(keys), mappingBytes)
        blockTables.deallocate()
    }

    /// Claims a free sequence slot.
    public func allocateSequence() throws(EngineError) -> Int {
        guard let slot: Int = allocated.firstIndex(of: false) else { throw EngineError.invalidSequence(-1) }
        allocated[slot] = true
        lengths[slot] = 0
        blocksUsed[slot] = 0
        return slot
    }

    /// Returns a sequence's blocks to the free list and frees its slot.
    public func releaseSequence(_ sequence: Int) {
        guard sequence >= 0, sequence < maxSequences, allocated[sequence] else { return }
        truncate(sequence, to: 0)
        allocated[sequence] = false
    }

    /// Tokens currently cached for `sequence`.
    public func length(of sequence: Int) -> Int {
        guard sequence >= 0, sequence < maxSequences else { return 0 }
        return lengths[sequence]
    }

    /// Drops cached positions `>= length` (keeps a prefix; frees whole blocks past it).
    public func truncate(_ sequence: Int, to length: Int) {
        guard sequence >= 0, sequence < maxSequences, allocated[sequence] else { return }
        let keepBlocks: Int = (min(length, lengths[sequence]) + blockSize - 1) / blockSize
        let table: UnsafeMutablePointer<Int32> = blockTable(sequence)
        while blocksUsed[sequence] > keepBlocks {
            blocksUsed[sequence] -= 1
            freeBlocks.append(table[blocksUsed[sequence]])
        }
        lengths[sequence] = min(length, lengths[sequence])
    }

    /// Makes room for positions `0..<length` of `sequence`, allocating blocks as needed.
    func reserve(_ sequence: Int, length: Int) throws(EngineError) {
        guard sequence >= 0, sequence < maxSequences, allocated[sequence] else { throw EngineError.invalidSequence(sequence) }
        let neededBlocks: Int = (length + blockSize - 1) / blockSize
        guard neededBlocks <= maxBlocksPerSequence else {
            throw EngineError.contextOverflow(position: length - 1, contextLength: maxBlocksPerSequence * blockSize)
        }
        let missing: Int = neededBlocks - blocksUsed[sequence]
        guard missing <= freeBlocks.count else { throw EngineError.cacheFull(sequence: sequence, needed: missing - freeBlocks.count) }
        let table: UnsafeMutablePointer<Int32> = blockTable(sequence)
        while blocksUsed[sequence] < neededBlocks {
            table[blocksUsed[sequence]] = freeBlocks.removeLast()
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
