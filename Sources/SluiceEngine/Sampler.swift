import CSluiceKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Chooses next tokens from logits according to `SamplingParams`.
///
/// Penalties apply first, then greedy selection (temperature 0) or top-k → temperature softmax →
/// top-p → min-p → a draw from the seeded generator. Log-probabilities are reported from the raw logits.
public struct Sampler {
    public let params: SamplingParams
    private var random: SamplerRandom
    private var adjusted: [Float]
    /// Logits with a steering's refused tokens masked out (allocated on first use).
    private var masked: [Float] = []
    private var counts: [Int32: Int] = [:]
    private var recent: [Int32] = []

    public init(params: SamplingParams, vocabSize: Int) {
        self.params = params
        var system: SystemRandomNumberGenerator = SystemRandomNumberGenerator()
        self.random = SamplerRandom(seed: params.seed ?? system.next())
        self.adjusted = [Float](repeating: 0, count: vocabSize)
    }

    /// Records tokens already in the context (the prompt) for the repetition penalty window.
    public mutating func observePrompt(_ tokens: [Int32]) {
        recent.append(contentsOf: tokens.suffix(max(params.repeatLastN, 0)))
    }

    /// Samples one token from `logits` and records it.
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>) -> GeneratedToken {
        let n: Int = min(logits.count, adjusted.count)
        let logNormalizer: Float = sk_logsumexp(logits.baseAddress, Int64(n))
        let chosen: Int32 = choose(logits, count: n)
        let top: [TokenLogprob] = Self.topLogprobs(logits, count: n, k: min(max(params.topLogprobs, 0), 20), logNormalizer: logNormalizer)
        record(chosen)
        return GeneratedToken(id: chosen, logprob: logits[Int(chosen)] - logNormalizer, top: top)
    }

    /// Samples one token that `steering` allows (see ``TokenSteering``): a draw from the raw logits is
    /// kept when allowed; otherwise the refused tokens are masked out and the sampler draws again.
    /// Log-probabilities are still reported from the raw logits. The steering is not advanced.
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>, steering: (any TokenSteering)?) -> GeneratedToken {
        guard let steering else { return sample(logits) }
        if let forced: Int32 = steering.forcedToken(), forced >= 0, Int(forced) < logits.count {
            return force(forced, logits: logits)
        }
        let n: Int = min(logits.count, adjusted.count)
        let logNormalizer: Float = sk_logsumexp(logits.baseAddress, Int64(n))
        var chosen: Int32 = choose(logits, count: n)
        if !steering.allows(chosen) {
            if masked.count != n { masked = [Float](repeating: 0, count: n) }
            for i: Int in 0..<n { masked[i] = logits[i] }
            masked.withUnsafeMutableBufferPointer { steering.mask($0) }
            chosen = masked.withUnsafeBufferPointer { choose($0, count: n) }
        }
        let top: [TokenLogprob] = Self.topLogprobs(logits, count: n, k: min(max(params.topLogprobs, 0), 20), logNormalizer: logNormalizer)
        record(chosen)
        return GeneratedToken(id: chosen, logprob: logits[Int(chosen)] - logNormalizer, top: top)
    }

    /// Takes `token` as the next one without sampling (a forced token), reporting its raw log-probability.
    public mutating func force(_ token: Int32, logits: UnsafeBufferPointer<Float>) -> GeneratedToken {
        let n: Int = min(logits.count, adjusted.count)
        let logNormalizer: Float = sk_logsumexp(logits.baseAddress, Int64(n))
        let top: [TokenLogprob] = Self.topLogprobs(logits, count: n, k: min(max(params.topLogprobs, 0), 20), logNormalizer: logNormalizer)
        record(token)
        return GeneratedToken(id: token, logprob: logits[Int(token)] - logNormalizer, top: top)
    }

    private mutating func choose(_ logits: UnsafeBufferPointer<Float>, count n: Int) -> Int32 {
        let penalized: Bool = applyPenalties(logits, count: n)
        if params.temperature <= 0 {
            return penalized ? Self.argmax(adjusted, count: n) : Self.argmax(logits, count: n)
        }
        if !penalized { for i: Int in 0..<n { adjusted[i] = logits[i] } }

        let k: Int = params.topK > 0 ? min(params.topK, n) : n
        let values: [Float] = adjusted
        if k == n && params.topP >= 1 && params.minP <= 0 {
            return Self.drawUnordered(values, count: n, temperature: params.temperature, random: &random)
        }
        // Candidates sorted by logit, descending. Top-k bounds them with a partial selection; otherwise
        // only tokens within a factor 1e-7 of the most likely one are sorted, which is exact whenever
        // they cover top_p (checked below, falling back to a full sort when they do not).
        var candidates: [Int32]
        var wholeMass: Float?
        if k < n {
            candidates = Self.largest(values, count: n, k: k)
        } else if let likely = Self.likely(
            values, count: n, temperature: params.temperature,
            // min_p alone never keeps a token below 1e-7 of the top one, so it needs no coverage.
            topP: params.topP < 1 ? params.topP : (params.minP >= 1e-7 ? 0 : 1))
        {
            candidates = likely.tokens
            wholeMass = likely.total
            candidates.sort { values[Int($0)] > values[Int($1)] }
        } else {
            candidates = Array(0..<Int32(n))
            candidates.sort { values[Int($0)] > values[Int($1)] }
        }
        // Temperature softmax over the candidates (normalised over the whole vocabulary when the
        // unlikely tail was left out, so top_p and min_p see exact probabilities).
        let maxLogit: Float = values[Int(candidates[0])]
        var probs: [Float] = candidates.map { expf((values[Int($0)] - maxLogit) / params.temperature) }
        var total: Float = wholeMass ?? probs.reduce(0, +)
        for i: Int in probs.indices { probs[i] /= total }
        var keep: Int = probs.count
        if params.topP < 1 {
            var cumulative: Float = 0
            for i: Int in 0..<probs.count {
                cumulative += probs[i]
                if cumulative >= params.topP {
                    keep = i + 1
                    break
                }
            }
        }
        if params.minP > 0 {
            let threshold: Float = probs[0] * params.minP
            var i: Int = 1
            while i < keep && probs[i] >= threshold { i += 1 }
            keep = i
        }
        total = probs[0..<keep].reduce(0, +)
        var draw: Float = random.nextUnitFloat() * total
        for i: Int in 0..<keep {
            draw -= probs[i]
            if draw < 0 { return candidates[i] }
        }
        return candidates[keep - 1]
    }

    /// Plain temperature sampling over every token: the draw needs no ordering.
    static func drawUnordered(
        _ values: [Float], count n: Int, temperature: Float, random: inout SamplerRandom
    ) -> Int32 {
        var maxLogit: Float = -.infinity
        for i: Int in 0..<n where values[i] > maxLogit { maxLogit = values[i] }
        var weights: [Float] = [Float](repeating: 0, count: n)
        var total: Float = 0
        for i: Int in 0..<n {
            let weight: Float = expf((values[i] - maxLogit) / temperature)
            weights[i] = weight
            total += weight
        }
        var draw: Float = random.nextUnitFloat() * total
        var last: Int = 0
        for i: Int in 0..<n where weights[i] > 0 {
            draw -= weights[i]
            last = i
            if draw < 0 { return Int32(i) }
        }
        return Int32(last)
    }

    /// The tokens whose probability is at least 1e-7 of the most likely one, if their share of the
    /// whole distribution reaches `topP` (so the nucleus lies inside them); otherwise nil.
    static func likely(
        _ values: [Float], count n: Int, temperature: Float, topP: Float
    ) -> (tokens: [Int32], total: Float)? {
        var maxLogit: Float = -.infinity
        for i: Int in 0..<n where values[i] > maxLogit { maxLogit = values[i] }
        let cutoff: Float = maxLogit + temperature * logf(1e-7)
        var kept: [Int32] = []
        var keptMass: Float = 0
        var total: Float = 0
        for i: Int in 0..<n {
            let weight: Float = expf((values[i] - maxLogit) / temperature)
            total += weight
            if values[i] >= cutoff {
                kept.append(Int32(i))
                keptMass += weight
            }
        }
        return keptMass >= min(topP, 1) * total ? (kept, total) : nil
    }

    /// Writes penalized logits into `adjusted`; returns false when no penalty is active.
    private mutating func applyPenalties(_ logits: UnsafeBufferPointer<Float>, count n: Int) -> Bool {
        let repetition: Bool = params.repetitionPenalty != 1 && params.repeatLastN != 0 && !recent.isEmpty
        let openAI: Bool = (params.presencePenalty != 0 || params.frequencyPenalty != 0) && !counts.isEmpty
        guard repetition || openAI else { return false }
        for i: Int in 0..<n { adjusted[i] = logits[i] }
        if repetition {
            for token: Int32 in Set(recent) where Int(token) < n {
                let value: Float = adjusted[Int(token)]
                adjusted[Int(token)] = value > 0 ? value / params.repetitionPenalty : value * params.repetitionPenalty
            }
        }
        if openAI {
            for (token, count) in counts where Int(token) < n {
                adjusted[Int(token)] -= Float(count) * params.frequencyPenalty + params.presencePenalty
            }
        }
        return true
    }

    private mutating func record(_ token: Int32) {
        counts[token, default: 0] += 1
        if params.repeatLastN > 0 {
            recent.append(token)
            if recent.count > params.repeatLastN { recent.removeFirst(recent.count - params.repeatLastN) }
        }
    }

    static func argmax<C: RandomAccessCollection>(_ values: C, count: Int) -> Int32 where C.Element == Float, C.Index == Int {
        var best: Int = 0
        var bestValue: Float = -.infinity
        for i: Int in 0..<count where values[i] > bestValue {
            best = i
            bestValue = values[i]
        }
        return Int32(best)
    }

    /// Indices of the `k` largest values, descending.
    static func largest<C: RandomAccessCollection>(_ values: C, count: Int, k: Int) -> [Int32] where C.Element == Float, C.Index == Int {
        guard k > 0 else { return [] }
        var heap: [(Float, Int32)] = []
        heap.reserveCapacity(k)
        var minIndex: Int = 0
        for i: Int in 0..<count {
            let v: Float = values[i]
            if heap.count < k {
                heap.append((v, Int32(i)))
                if heap.count == k { minIndex = heap.indices.min { heap[$0].0 < heap[$1].0 }! }
            } else if v > heap[minIndex].0 {
                heap[minIndex] = (v, Int32(i))
                minIndex = heap.indices.min { heap[$0].0 < heap[$1].0 }!
            }
        }
        return heap.sorted { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.map { $0.1 }
    }

    static func topLogprobs(_ logits: UnsafeBufferPointer<Float>, count: Int, k: Int, logNormalizer: Float) -> [TokenLogprob] {
        largest(logits, count: count, k: k).map { TokenLogprob(id: $0, logprob: logits[Int($0)] - logNormalizer) }
    }
}
