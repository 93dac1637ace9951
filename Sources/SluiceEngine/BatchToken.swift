/// One entry of a forward batch: token `token` of sequence `sequence` at `position`.
///
/// A batch may mix sequences (continuous batching) and hold many positions of one sequence (prefill).
/// Positions of a sequence must be contiguous with what its KV cache already holds.
public struct BatchToken: Sendable, Equatable {
    /// KV-cache sequence slot (from `PagedKVCache.allocateSequence()`).
    public var sequence: Int
    /// Position in the sequence (0-based).
    public var position: Int
    /// Token id.
    public var token: Int32
    /// Whether the forward pass should produce logits for this entry.
    public var wantsLogits: Bool

    public init(sequence: Int, position: Int, token: Int32, wantsLogits: Bool) {
        self.sequence = sequence
        self.position = position
        self.token = token
        self.wantsLogits = wantsLogits
    }
}
