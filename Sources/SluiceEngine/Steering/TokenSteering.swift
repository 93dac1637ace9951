/// Per-request steering of decoding: which tokens may come next, which must, and when the output is complete.
///
/// Constrained decoding (JSON schemas, well-formed tool calls) and thinking budgets are steerings. The
/// engine consults one at every step of its sequence, on the engine thread:
///
/// 1. If ``isComplete`` is true, the sequence ends with finish reason `stop` (nothing more is sampled).
/// 2. If ``forcedToken()`` returns a token, that token comes next whatever the logits say.
/// 3. Otherwise a token is sampled from the unconstrained logits and checked with ``allows(_:)``; if it is
///    refused, ``mask(_:)`` removes every refused token and the sampler draws again (llama.cpp's
///    "sample first, check after"). For sampling with temperature this draws exactly from the
///    distribution renormalised over the allowed tokens; for greedy decoding it picks the best allowed one.
/// 4. The chosen token is passed to ``accept(_:)``, unless it is one of the model's end tokens (which ends
///    the sequence; a steering that is not finished must refuse end tokens in ``allows(_:)``/``mask(_:)``).
///
/// After a steering is handed to the engine, only the engine thread touches it, so implementations are
/// plain classes marked `@unchecked Sendable`.
public protocol TokenSteering: AnyObject, Sendable {
    /// Whether the output is complete: the sequence ends with finish reason `stop`.
    var isComplete: Bool { get }
    /// A token that must come next, or nil to sample one.
    func forcedToken() -> Int32?
    /// Whether `token` may come next.
    func allows(_ token: Int32) -> Bool
    /// Sets the logit of every token that may not come next to `-infinity` (at least one must remain).
    func mask(_ logits: UnsafeMutableBufferPointer<Float>)
    /// Records that `token` came next.
    func accept(_ token: Int32)
}
