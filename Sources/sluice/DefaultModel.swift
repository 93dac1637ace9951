import Logging
import SluiceEngine
import SluiceGateway
import SluiceProviders

/// What `sluice serve` does when no model is configured at all: serve the built-in engine's default
/// model (SmolLM2-135M-Instruct, Q4_1) as `local`, fetching it into `$SLUICE_HOME` on first use.
enum DefaultModel {
    static let name = "local"

    static func addIfNoneConfigured(_ config: inout GatewayConfig, logger: Logger) async throws {
        guard config.models.isEmpty else { return }
        let path: String
        do {
            let url = try await ModelFetcher().ensureDefaultModel { message in
                logger.notice("\(message)")
            }
            path = url.path
        } catch {
            throw CLIError("no model is configured and the default model could not be fetched: \(error)")
        }
        logger.notice("serving the built-in engine's default model", metadata: ["model": "\(name)", "path": "\(path)"])
        config.models.append(ModelConfig(endpoint: ModelEndpoint(name: name, kind: .local, modelPath: path)))
    }
}
