/// Errors from loading or running a local model.
public enum EngineError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The model file could not be read or is not usable.
    case model(GGUFError)
    /// The KV cache has no free blocks left for a sequence.
    case cacheFull(sequence: Int, needed: Int)
    /// A sequence id is out of range or not allocated.
    case invalidSequence(Int)
    /// A position is beyond the model's context length.
    case contextOverflow(position: Int, contextLength: Int)
    /// A token id is outside the vocabulary.
    case invalidToken(Int32)
    /// The request is malformed (empty prompt, bad parameter).
    case invalidRequest(String)
    /// The model was shut down while the request was pending.
    case cancelled
    /// Every sequence slot is busy and the waiting queue is full (`waiting` requests already wait).
    case queueFull(waiting: Int)
    /// The request waited `seconds` for a sequence slot without getting one.
    case queueTimeout(seconds: Double)
    /// The request needs more KV cache than the whole cache holds.
    case exceedsCache(neededTokens: Int, capacityTokens: Int)

    public var description: String {
        switch self {
        case .model(let error): return "model error: \(error)"
        case .cacheFull(let sequence, let needed): return "KV cache full: sequence \(sequence) needs \(needed) more blocks"
        case .invalidSequence(let id): return "invalid sequence id \(id)"
        case .contextOverflow(let position, let contextLength):
            return "position \(position) exceeds the context length \(contextLength)"
        case .invalidToken(let token): return "token id \(token) is outside the vocabulary"
        case .invalidRequest(let message): return "invalid request: \(message)"
        case .cancelled: return "cancelled"
        case .queueFull(let waiting): return "all sequence slots are busy and \(waiting) requests are already waiting"
        case .queueTimeout(let seconds): return "no sequence slot became free within \(seconds) s"
        case .exceedsCache(let needed, let capacity):
            return "the request needs \(needed) tokens of KV cache but the cache holds \(capacity)"
        }
    }
}
