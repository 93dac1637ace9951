import Logging
import SluiceGateway

/// What `sluice serve` does when no model is configured at all.
enum DefaultModel {
    /// The built-in engine is not part of this build yet, so there is nothing to add: the gateway starts,
    /// says clearly that no model is configured, and `/readyz` answers 503 until one is.
    static func addIfNoneConfigured(_ config: inout GatewayConfig, logger: Logger) async throws {}
}
