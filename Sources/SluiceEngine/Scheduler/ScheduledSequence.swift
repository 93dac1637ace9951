import Foundation

/// A request inside the scheduler: waiting for a slot, prefilling its prompt, or decoding.
final class ScheduledSequence {
    let request: SequenceRequest
    let enqueued: ContinuousClock.Instant
    let deadline: ContinuousClock.Instant
    /// The KV-cache sequence slot, once admitted.
    var slot: Int = -1
    /// The prompt followed by every token fed back so far (what the cache holds, in order).
    var tokens: [Int32]
    /// Positions whose keys and values are in the cache.
    var computed: Int = 0
    /// Prompt tokens taken from the prefix cache.
    var cachedTokens: Int = 0
    /// The token to feed at position `computed` (decoding), if any.
    var pending: Int32?
    var decoder: SequenceDecoder
    var admitted: ContinuousClock.Instant?
    var firstToken: ContinuousClock.Instant?

    init(request: SequenceRequest, vocabSize: Int, endTokens: Set<Int32>, queueTimeout: Double) {
        self.request = request
        let now: ContinuousClock.Instant = .now
        self.enqueued = now
        self.deadline = now.advanced(by: .milliseconds(Int64(queueTimeout * 1000)))
        self.tokens = request.prompt
        self.decoder = SequenceDecoder(
            params: request.params, prompt: request.prompt, vocabSize: vocabSize, modelEndTokens: endTokens,
            steering: request.steering)
    }

    var promptCount: Int { request.prompt.count }
    var isPrefilling: Bool { computed < promptCount }
    var isCancelled: Bool { request.cancelled.load(ordering: .relaxed) }

    /// The summary for a sequence that ends now.
    func summary(_ reason: FinishReason) -> GenerationSummary {
        let now: ContinuousClock.Instant = .now
        let start: ContinuousClock.Instant = admitted ?? now
        let first: ContinuousClock.Instant = firstToken ?? now
        return GenerationSummary(
            finishReason: reason, promptTokens: promptCount, completionTokens: decoder.produced,
            promptSeconds: Self.seconds(first - start), generationSeconds: Self.seconds(now - first),
            cachedTokens: cachedTokens, queueSeconds: Self.seconds(start - enqueued))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
