/// How a family rotates query/key pairs.
public enum RopeStyle: Sendable, Equatable {
    /// Adjacent pairs (x[2i], x[2i+1]) — ggml `NORM`, used by llama.
    case adjacentPairs
    /// Half-split pairs (x[i], x[i + d/2]) — ggml `NEOX`, used by qwen2/qwen3.
    case halfSplit
}

/// What distinguishes one decoder-only transformer family from another.
public struct ArchitectureTraits: Sendable, Equatable {
    /// `general.architecture` value.
    public let name: String
    /// Rotary embedding pairing.
    public let ropeStyle: RopeStyle
    /// Whether q/k/v projections have bias vectors.
    public let projectionBias: Bool
    /// Whether queries and keys get a per-head RMSNorm before RoPE.
    public let queryKeyNorm: Bool
}

/// Hyper-parameters of a loaded model, read from `{arch}.*` metadata.
public struct ModelConfig: Sendable, Equatable {
    public let traits: ArchitectureTraits
    /// Residual stream width (`embedding_length`).
    public let dim: Int
    /// Feed-forward width (`feed_forward_length`).
    public let hiddenDim: Int
    public let layerCount: Int
    public let headCount: Int
    public let kvHeadCount: Int
    /// Per-head width (`attention.key_length`, default dim / heads).
    public let headDim: Int
    public let vocabSize: Int
    public let contextLength: Int
    /// RoPE base frequency (`rope.freq_base`, default 10000).
    public let ropeTheta: Float
    /// Rotated dims per head (`rope.dimension_count`, default headDim).
    public let ropeDims: Int
    /// RMSNorm epsilon (`attention.layer_norm_rms_epsilon`).
    public let rmsEps: Float
    /// Tokens that end generation (`tokenizer.ggml.eos_token_id`, `eot_token_id`, `eom_token_id`).
    public let endTokens: Set<Int32>

    /// Width of all query heads.
    public var qDim: Int { headCount * headDim }
    /// Width of all key (or value) heads.
    public var kvDim: Int { kvHeadCount * headDim }

    /// Reads the config of architecture `traits` from `file`.
    init(file: GGUFFile, traits: ArchitectureTraits, vocabFallback: Int) throws(GGUFError) {
        let prefix: String = traits.name + "."
        self.traits = traits
        dim = try file.requireInt(prefix + "embedding_length")
        hiddenDim = try file.requireInt(prefix + "feed_forward_length")
        layerCount = try file.requireInt(prefix + "block_count")
        headCount = try file.requireInt(prefix + "attention.head_count")
        kvHeadCount = file.metadata[prefix + "attention.head_count_kv"]?.intValue ?? headCount
        headDim = file.metadata[prefix + "attention.key_length"]?.intValue ?? (dim / max(headCount, 1))
        vocabSize = file.metadata[prefix + "vocab_size"]?.intValue
            ?? file.metadata["tokenizer.ggml.tokens"]?.arrayValue?.count ?? vocabFallback
        contextLength = file.metadata[prefix + "context_length"]?.intValue ?? 2048
        ropeTheta = Float(file.metadata[prefix + "rope.freq_base"]?.floatValue ?? 10000)
        ropeDims = file.metadata[prefix + "rope.dimension_count"]?.intValue ?? headDim
        rmsEps = Float(try file.requireFloat(prefix + "attention.layer_norm_rms_epsilon"))
        var ends: Set<Int32> = []
        for key: String in ["tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"] {
            if let id: Int = file.metadata[key]?.intValue { ends.insert(Int32(id)) }
        }
        endTokens = ends
        guard dim > 0, hiddenDim > 0, layerCount > 0, headCount > 0, kvHeadCount > 0, headCount % kvHeadCount == 0,
            headDim > 0, headDim % 2 == 0, headDim <= 512, ropeDims <= headDim, ropeDims % 2 == 0, vocabSize > 0
        else {
            throw GGUFError.wrongMetadataType(key: prefix + "*", expected: "a consistent set of model dimensions")
        }
    }
}
