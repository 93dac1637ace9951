/// The qwen2 family (Qwen2, Qwen2.5).
///
/// Like llama, but RoPE rotates half-split pairs (ggml `NEOX`) and the q/k/v projections carry biases
/// (`blk.N.attn_{q,k,v}.bias`).
enum Qwen2Architecture {
    static let traits: ArchitectureTraits = ArchitectureTraits(
        name: "qwen2", ropeStyle: .halfSplit, projectionBias: true, queryKeyNorm: false)
}
