/// A log-linear histogram of durations in nanoseconds, in the manner of HdrHistogram.
///
/// Values are bucketed by their power of two and, within it, by their next ``subBucketBits`` bits, so a
/// recorded value is known to within 1/128 (under 0.8 %) at any magnitude, in a fixed 40 KB.
struct LatencyHistogram: Sendable {
    /// Bits of precision kept below a value's leading one.
    static let subBucketBits: Int = 7
    static let subBucketCount: Int = 1 << subBucketBits
    /// Values up to 2^40 ns (about 18 minutes) are kept exactly enough; larger ones land in the last bucket.
    static let magnitudes: Int = 40 - subBucketBits + 1

    private var counts: [UInt64]
    /// How many values have been recorded.
    private(set) var count: UInt64 = 0
    /// The largest value recorded, exactly.
    private(set) var maximum: UInt64 = 0
    /// The sum of all values recorded, for the mean.
    private(set) var total: UInt64 = 0

    init() {
        counts = [UInt64](repeating: 0, count: Self.magnitudes * Self.subBucketCount)
    }

    /// Records one duration.
    mutating func record(nanoseconds value: UInt64) {
        counts[Self.index(of: value)] &+= 1
        count &+= 1
        total &+= value
        if value > maximum { maximum = value }
    }

    /// Adds every value recorded in `other`.
    mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices where other.counts[index] != 0 {
            counts[index] &+= other.counts[index]
        }
        count &+= other.count
        total &+= other.total
        maximum = max(maximum, other.maximum)
    }

    /// The value at `quantile` (0...1): the midpoint of the bucket holding it, or 0 when empty.
    func value(atQuantile quantile: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = max(1, UInt64((quantile * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, bucketCount) in counts.enumerated() where bucketCount != 0 {
            seen += bucketCount
            if seen >= rank { return min(Self.midpoint(of: index), maximum) }
        }
        return maximum
    }

    /// The mean value, or 0 when empty.
    var mean: Double { count == 0 ? 0 : Double(total) / Double(count) }

    /// The bucket for a value: magnitude 0 holds 0..<128 exactly; magnitude m > 0 holds
    /// [128 << (m - 1), 128 << m) in 128 equal steps.
    static func index(of value: UInt64) -> Int {
        let bits = 64 - value.leadingZeroBitCount
        let magnitude = min(max(bits - subBucketBits, 0), magnitudes - 1)
        let shift = max(magnitude - 1, 0)
        let sub = magnitude == 0 ? Int(value) : Int(min(value >> UInt64(shift), UInt64(2 * subBucketCount - 1))) - subBucketCount
        return magnitude * subBucketCount + max(0, min(sub, subBucketCount - 1))
    }

    /// The middle of a bucket's range.
    static func midpoint(of index: Int) -> UInt64 {
        let magnitude = index / subBucketCount
        let sub = UInt64(index % subBucketCount)
        if magnitude == 0 { return sub }
        let shift = UInt64(magnitude - 1)
        let low = (UInt64(subBucketCount) + sub) << shift
        return low + ((1 << shift) >> 1)
    }
}
