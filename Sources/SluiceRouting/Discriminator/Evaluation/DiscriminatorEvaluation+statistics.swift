extension DiscriminatorEvaluation {
    /// The area under the ROC curve: the chance that a random positive scores above a random negative,
    /// ties counting half (the Mann–Whitney U statistic with average ranks). Nil unless both classes
    /// are present.
    public static func auc(probabilities: [Double], labels: [Bool]) -> Double? {
        precondition(probabilities.count == labels.count, "one label per probability")
        let positives = labels.count { $0 }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = probabilities.indices.sorted { probabilities[$0] < probabilities[$1] }
        var positiveRankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, probabilities[order[end]] == probabilities[order[start]] { end += 1 }
            // Ranks start + 1 ... end share their average.
            let averageRank = Double(start + 1 + end) / 2
            for position in start..<end where labels[order[position]] { positiveRankSum += averageRank }
            start = end
        }
        let p = Double(positives)
        return (positiveRankSum - p * (p + 1) / 2) / (p * Double(negatives))
    }

    /// The threshold that puts `share` (0...1) of `probabilities` above it: between the k-th and
    /// (k+1)-th highest probability, k = round(share × count). When probabilities tie across that
    /// point, the whole tie goes to whichever side brings the share closer. Share 0 gives 1 (never
    /// strong) and share 1 gives 0; with no probabilities it is `1 − share`.
    public static func threshold(forShare share: Double, probabilities: [Double]) -> Double {
        let share = share.isNaN ? 0 : min(max(share, 0), 1)
        guard !probabilities.isEmpty else { return 1 - share }
        let sorted = probabilities.sorted(by: >)
        let count = sorted.count
        let wanted = Int((share * Double(count)).rounded())
        if wanted <= 0 { return 1 }
        if wanted >= count { return 0 }
        let above = sorted[wanted - 1]
        let below = sorted[wanted]
        if above > below { return (above + below) / 2 }
        // A tie at `below` spans `first..<end`: either all of it is strong, or none of it.
        var first = wanted - 1
        while first > 0, sorted[first - 1] == below { first -= 1 }
        var end = wanted + 1
        while end < count, sorted[end] == below { end += 1 }
        return end - wanted < wanted - first ? below.nextDown : below
    }
}
