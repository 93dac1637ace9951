import SluiceAPI
import SluiceProviders

/// Makes the provider for a configured endpoint.
enum ProviderFactory {
    static func make(_ endpoint: ModelEndpoint, http: UpstreamHTTP) throws -> any ChatProvider {
        switch endpoint.kind {
        case .openai:
            return OpenAICompatibleProvider(endpoint: endpoint, http: http)
        case .anthropic:
            return AnthropicProvider(endpoint: endpoint, http: http)
        case .gemini:
            return GeminiProvider(endpoint: endpoint, http: http)
        case .local:
            return try LocalProvider(endpoint: endpoint, threads: endpoint.threads)
        }
    }
}
