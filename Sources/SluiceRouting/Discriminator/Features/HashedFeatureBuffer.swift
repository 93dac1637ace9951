/// Scratch space for one request's hashed features: each entry is a feature index, stored as its
/// bitwise complement when the feature's sign is negative. Full buffers drop further features.
struct HashedFeatureBuffer {
    private let storage: UnsafeMutableBufferPointer<Int32>
    /// 64 − log₂ dimensions: the slot is the hash's top bits.
    private let shift: UInt64
    /// Entries written so far.
    private(set) var count = 0

    init(storage: UnsafeMutableBufferPointer<Int32>, dimensions: Int) {
        self.storage = storage
        self.shift = UInt64(64 - (Int.bitWidth - 1 - dimensions.leadingZeroBitCount))
    }

    /// Whether no more features fit.
    var isFull: Bool { count == storage.count }

    /// The index and sign of a hashed feature: the hash's top bits (moved past the reserved slots), and
    /// the sign from the bit below them.
    @inline(__always)
    func slot(of hash: UInt64) -> Int32 {
        var index = Int32(truncatingIfNeeded: hash &>> shift)
        if index < Int32(FeatureExtractor.reservedSlots) { index += Int32(FeatureExtractor.reservedSlots) }
        return (hash &<< (64 &- shift)) >> 63 == 0 ? index : ~index
    }

    /// Records a hashed feature (dropped when full).
    @inline(__always)
    mutating func append(_ hash: UInt64) {
        guard count < storage.count else { return }
        storage[count] = slot(of: hash)
        count += 1
    }

    /// Emits the entries of `range`, each ±1/√count, so that the group has unit length (when no entry repeats).
    @inline(__always)
    func emitUnitScaled(_ range: Range<Int>, _ body: (Int, Double) -> Void) {
        guard !range.isEmpty else { return }
        let scale = 1 / Double(range.count).squareRoot()
        for position in range {
            // Branch-free: the signs are random, so a branch here would mispredict half the time.
            let entry = storage[position]
            let negative = entry >> 31  // 0, or −1 (all bits set) for a complemented index
            let sign = UInt64(truncatingIfNeeded: Int64(negative)) & (1 << 63)
            body(Int(entry ^ negative), Double(bitPattern: scale.bitPattern ^ sign))
        }
    }

    /// Emits the one-hot feature "count bucket `value` of kind `kind`" with magnitude 1.
    @inline(__always)
    func emitBucket(kind: UInt64, _ value: Int, _ body: (Int, Double) -> Void) {
        let entry = slot(of: FeatureHash.feature(.bucket, kind, UInt64(truncatingIfNeeded: value)))
        if entry >= 0 { body(Int(entry), 1) } else { body(Int(~entry), -1) }
    }
}
