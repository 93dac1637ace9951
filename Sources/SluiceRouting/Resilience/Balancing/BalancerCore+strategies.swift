extension BalancerCore {
    /// The strategy's pick among `pool` (non-empty, ascending).
    mutating func pickByStrategy(_ pool: [Int]) -> Int {
        guard pool.count > 1 else { return pool[0] }
        switch strategy {
        case .weighted: return pickSmoothWeighted(pool)
        case .leastInFlight: return pickLeastInFlight(pool)
        case .latencyEWMA: return pickPowerOfTwo(pool)
        }
    }

    /// nginx's smooth weighted round-robin: every candidate's current weight grows by its weight, the
    /// largest wins (the first on a tie) and drops by the candidates' total weight.
    private mutating func pickSmoothWeighted(_ pool: [Int]) -> Int {
        var total = 0
        var best = pool[0]
        for index in pool {
            currentWeights[index] += replicas[index].weight
            total += replicas[index].weight
            if currentWeights[index] > currentWeights[best] { best = index }
        }
        currentWeights[best] -= total
        return best
    }

    /// The fewest in flight; among those the heaviest weight; among those the first at or after the
    /// round-robin cursor.
    private mutating func pickLeastInFlight(_ pool: [Int]) -> Int {
        let fewest = pool.map { inFlight[$0] }.min() ?? 0
        let idle = pool.filter { inFlight[$0] == fewest }
        let heaviest = idle.map { replicas[$0].weight }.max() ?? 1
        let tied = idle.filter { replicas[$0].weight == heaviest }
        let chosen = tied.first { $0 >= cursor } ?? tied[0]
        cursor = chosen + 1
        return chosen
    }

    /// Power of two choices: two distinct candidates drawn in proportion to weight; the lower
    /// `EWMA × (in flight + 1)` wins (an unmeasured replica costs 0), then the fewer in flight, then the
    /// first drawn.
    private mutating func pickPowerOfTwo(_ pool: [Int]) -> Int {
        let first = drawWeighted(pool)
        let second = drawWeighted(pool.filter { $0 != first })
        let firstCost = cost(first)
        let secondCost = cost(second)
        if secondCost < firstCost { return second }
        if secondCost == firstCost, inFlight[second] < inFlight[first] { return second }
        return first
    }

    private func cost(_ index: Int) -> Double {
        guard let latency = ewma[index] else { return 0 }
        return latency * Double(inFlight[index] + 1)
    }

    /// One of `pool` (non-empty), drawn with probability in proportion to weight.
    private mutating func drawWeighted(_ pool: [Int]) -> Int {
        let total = pool.reduce(0) { $0 + replicas[$1].weight }
        var ticket = Int.random(in: 0..<total, using: &random)
        for index in pool {
            ticket -= replicas[index].weight
            if ticket < 0 { return index }
        }
        return pool[pool.count - 1]
    }
}
