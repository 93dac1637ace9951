/// The qwen3 family (dense Qwen3 models).
///
/// NEOX RoPE, no projection biases, and a per-head RMSNorm on queries and keys before RoPE
/// (`blk.N.attn_q_norm.weight`, `blk.N.attn_k_norm.weight`, `head_dim` wide). `attention.key_length`
/// sets the head width, which may differ from `embedding_length / head_count`.
enum Qwen3Architecture {
    static let traits: ArchitectureTraits = ArchitectureTraits(
        name: "qwen3", ropeStyle: .halfSplit, projectionBias: false, queryKeyNorm: true)
}
