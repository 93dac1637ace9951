/// Turns ``RequestFeatures`` into the sparse vector that the discriminator scores.
///
/// The extractor is shared by training, evaluation and the gateway's per-request decision, and it is
/// versioned: a model records the ``currentVersion`` it was trained with and will not load under
/// another. Change anything about the features (what is hashed, how, the numeric slots, scaling)
/// and bump ``currentVersion``; feedback collected by the gateway is then re-extracted from its
/// requests, not from stored vectors.
///
/// Layout of a vector of ``dimensions`` entries (version 1):
/// - `0..<reservedSlots`: numeric features (see `NumericSlot`): log-scaled token counts, turns and
///   messages, flags for tools, JSON output, images and reasoning, the CJK share, and a few shape
///   counts of the question (code fences, code symbols, digits, lines).
/// - the rest: hashed features, each at the top log₂(dimensions) bits of its hash (moved past the
///   reserved slots) with a sign taken from the next bit, so that collisions tend to cancel:
///   - the lowercased question's word unigrams and bigrams, and the unigrams and bigrams of its CJK
///     runs (a CJK character is a word of its own), scaled together to unit length;
///   - the first ``systemWordLimit`` words and CJK characters of the system prompt, in their own
///     namespace and also scaled to unit length;
///   - one-hot buckets of the number of turns and of the token counts.
///
/// Hashing (see `FeatureHash`) is FNV-1a 64 over each word's bytes and a multiplicative mix per
/// feature, the same on every run and machine. A decision over a 2,000-character question hashes its
/// text straight from UTF-8 bytes and allocates nothing on the heap.
public struct FeatureExtractor: Sendable, Hashable {
    /// The version of the features this code computes.
    public static let currentVersion = 1
    /// The default vector size: 65,536.
    public static let defaultDimensions = 1 << 16
    /// Indices below this hold numeric features; hashed features never land there.
    public static let reservedSlots = 32
    /// At most this many hashed text features are taken from one request (a 2,000-character question
    /// yields well under this).
    public static let maxTextFeatures = 8_192
    /// Words (and CJK characters) of the system prompt that are hashed.
    public static let systemWordLimit = 64

    /// The vector size, a power of two.
    public let dimensions: Int

    /// The feature version, always ``currentVersion``.
    public var version: Int { Self.currentVersion }

    /// - Precondition: ``isValidDimensions(_:)``.
    public init(dimensions: Int = FeatureExtractor.defaultDimensions) {
        precondition(Self.isValidDimensions(dimensions), "dimensions must be a power of two in 2^10...2^24")
        self.dimensions = dimensions
    }

    /// Whether `dimensions` is a power of two from 1,024 to 16,777,216.
    public static func isValidDimensions(_ dimensions: Int) -> Bool {
        dimensions >= 1 << 10 && dimensions <= 1 << 24 && dimensions & (dimensions - 1) == 0
    }

    /// The features of one request, sorted by index, each index once.
    public func extract(_ features: RequestFeatures) -> SparseFeatures {
        var entries: [(index: Int, value: Double)] = []
        entries.reserveCapacity(64)
        forEachFeature(of: features) { entries.append(($0, $1)) }
        entries.sort { $0.index < $1.index }
        var result = SparseFeatures()
        result.indices.reserveCapacity(entries.count)
        result.values.reserveCapacity(entries.count)
        for entry in entries {
            if let last = result.indices.last, last == entry.index {
                result.values[result.values.count - 1] += entry.value
            } else {
                result.indices.append(entry.index)
                result.values.append(entry.value)
            }
        }
        return result
    }

    /// Calls `body` with every (index, value) of a request's vector, without building it. Indices may
    /// repeat (a word said twice), and then their values add up. This is the scoring hot path.
    func forEachFeature(of features: RequestFeatures, _ body: (Int, Double) -> Void) {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.maxTextFeatures) { storage in
            var hashed = HashedFeatureBuffer(storage: storage, dimensions: dimensions)
            let shape = TextScanner.question.scan(features.question, into: &hashed)
            let questionEnd = hashed.count
            if !features.system.isEmpty { _ = TextScanner.system.scan(features.system, into: &hashed) }
            hashed.emitUnitScaled(0..<questionEnd, body)
            hashed.emitUnitScaled(questionEnd..<hashed.count, body)

            hashed.emitBucket(kind: 1, min(features.turns, 12), body)
            hashed.emitBucket(kind: 2, Self.log2Bucket(features.promptTokens), body)
            hashed.emitBucket(kind: 3, Self.log2Bucket(features.lastUserTokens), body)

            NumericSlot.forEachValue(of: features, shape: shape, body)
        }
    }

    /// 0 for 0, then 1 + ⌊log₂ n⌋.
    static func log2Bucket(_ count: Int) -> Int {
        count <= 0 ? 0 : Int.bitWidth - count.leadingZeroBitCount
    }
}
