/// Six rules of the kind a deployment writes, as `sluice.yaml` text. The routing bench uses them both
/// in process (parsed by the gateway's own config reader) and in the `sluice serve` it measures, so
/// both see the same rules.
///
/// None matches ``RoutingSamples``' requests: each decision tests all six and falls through to the
/// discriminator or the default, the costliest path for rules.
enum RoutingRuleSet {
    /// The models the rules send requests to; the bench points them all at the same mock upstream.
    static let targets = ["mock-long", "mock-cheap", "mock-vision", "mock-strong", "mock-zh"]

    /// The fallback every bench route ends with.
    static let fallback = "mock-backup"

    /// A route with the six rules, its default `mock` and one fallback, indented for a `routes:` list;
    /// with `discriminator`, the classifier file and its strong (`mock-strong`) and weak (`mock`) models.
    static func route(name: String, discriminator: String? = nil) -> String {
        var lines = [
            "  - name: \(name)",
            "    rules:",
            "      - name: long-context",
            "        when: {conversation_tokens: \">8000\"}",
            "        use: mock-long",
            "      - name: free-long-chat",
            "        when: {tier: free, conversation_tokens: \">4000\"}",
            "        use: mock-cheap",
            "      - name: vision",
            "        when: {images: true}",
            "        use: mock-vision",
            "      - name: structured-tools",
            "        when: {tools: true, json: true}",
            "        use: mock-strong",
            "      - name: paid-reasoning",
            "        when: {tier: [paid, enterprise], reasoning: true}",
            "        use: mock-strong",
            "      - name: chinese",
            "        when: {cjk_share: \">0.5\"}",
            "        use: mock-zh",
        ]
        if let discriminator {
            lines.append("    discriminator: {model: \"\(discriminator)\", strong: mock-strong, weak: mock}")
        }
        lines += ["    default: mock", "    fallbacks: [\(fallback)]"]
        return lines.joined(separator: "\n")
    }

    /// A `models:` entry of a mock upstream (`capacity` limits its concurrency through an admission gate).
    static func model(_ name: String, port: Int, capacity: Int? = nil) -> String {
        var lines = [
            "  - name: \(name)",
            "    backend: openai",
            "    model: mock",
            "    base_url: http://127.0.0.1:\(port)/v1",
            "    api_key: env:MOCK_KEY",
        ]
        if let capacity { lines.append("    capacity: \(capacity)") }
        return lines.joined(separator: "\n")
    }

    /// A whole config for the overhead runs: the ledger off, `mock` and every rule target (all on one
    /// upstream), and `routes` (nothing when empty).
    static func overheadConfig(upstreamPort: Int, routes: [String]) -> String {
        let names = ["mock"] + targets + [fallback]
        var text = "ledger:\n  store: off\nmodels:\n" + names.map { model($0, port: upstreamPort) }.joined(separator: "\n")
        if !routes.isEmpty { text += "\nroutes:\n" + routes.joined(separator: "\n") }
        return text + "\n"
    }
}
