/// The llama family (Llama 2/3, SmolLM/SmolLM2, Mistral-style models).
///
/// Pre-norm blocks with RMSNorm, RoPE on adjacent pairs (ggml `NORM`), grouped-query attention,
/// no projection biases, SwiGLU feed-forward, optionally tied embeddings.
enum LlamaArchitecture {
    static let traits: ArchitectureTraits = ArchitectureTraits(
        name: "llama", ropeStyle: .adjacentPairs, projectionBias: false, queryKeyNorm: false)
}
