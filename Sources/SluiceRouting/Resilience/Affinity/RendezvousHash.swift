import Foundation

/// Weighted rendezvous (highest-random-weight) hashing: every candidate scores the key, and the highest
/// score wins.
///
/// A candidate's score is `-weight / ln(u)`, where `u` in `(0, 1)` is a hash of the key and the
/// candidate's id. Each candidate then wins a share of keys in proportion to its weight, and removing a
/// candidate moves only the keys it had won (everyone else's scores are unchanged).
enum RendezvousHash {
    /// The hash of a replica id that scores are derived from.
    static func idHash(_ id: String) -> UInt64 {
        SplitMix64.mix(PrefixAffinity.fnv1a(id.utf8))
    }

    /// The candidate (non-empty) with the highest score for `key`; on an exact tie, the first.
    static func choose(key: UInt64, candidates: [Int], idHashes: [UInt64], weights: [Int]) -> Int {
        var best = candidates[0]
        var bestScore = -Double.infinity
        for index in candidates {
            let score = self.score(key: key, idHash: idHashes[index], weight: weights[index])
            if score > bestScore {
                best = index
                bestScore = score
            }
        }
        return best
    }

    static func score(key: UInt64, idHash: UInt64, weight: Int) -> Double {
        let mixed = SplitMix64.mix(key ^ idHash)
        // The top 53 bits, centred in their interval: strictly inside (0, 1).
        let unit = (Double(mixed >> 11) + 0.5) * 0x1p-53
        return -Double(weight) / log(unit)
    }
}
