import SluiceProviders

/// The configured models by name, each with the provider that serves it.
public struct ModelRegistry: Sendable {
    private let providers: [String: any ChatProvider]
    /// Model names in configuration order.
    public let names: [String]

    public init(_ providers: [any ChatProvider]) {
        var byName: [String: any ChatProvider] = [:]
        for provider in providers { byName[provider.endpoint.name] = provider }
        self.providers = byName
        self.names = providers.map(\.endpoint.name)
    }

    /// The provider for a model name.
    public subscript(name: String) -> (any ChatProvider)? { providers[name] }

    /// Whether any model is configured.
    public var isEmpty: Bool { names.isEmpty }
}
