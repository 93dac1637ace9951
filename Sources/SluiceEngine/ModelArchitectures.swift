/// The architectures the engine implements, by `general.architecture`.
enum SupportedArchitectures {
    static func traits(for name: String) throws(GGUFError) -> ArchitectureTraits {
        switch name {
        case LlamaArchitecture.traits.name: return LlamaArchitecture.traits
        case Qwen2Architecture.traits.name: return Qwen2Architecture.traits
        case Qwen3Architecture.traits.name: return Qwen3Architecture.traits
        default: throw GGUFError.unknownArchitecture(name)
        }
    }
}
