import ArgumentParser
import Foundation
import Logging
import SluiceGateway

/// `sluice serve`: run the gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway.",
        discussion: """
            With no --config and no --model, Sluice serves the built-in engine's default model as `local`.
            Quick start without a file: --model ds=openai:https://api.deepseek.com/v1,model=deepseek-chat \
            --model-key ds=DEEPSEEK_API_KEY
            """
    )

    @Option(name: .long, help: "Path to sluice.yaml (default: $SLUICE_CONFIG if set).")
    var config: String?

    @Option(name: .long, help: "Address to listen on (overrides the config file).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (overrides the config file).")
    var port: Int?

    @Option(
        name: .customLong("model"),
        help: "NAME=KIND:BASE_URL[,model=UPSTREAM_ID] or NAME=local:PATH.gguf; KIND one of openai, anthropic, gemini, local. Repeatable."
    )
    var models: [String] = []

    @Option(name: .customLong("model-key"), help: "NAME=ENV_VAR: the environment variable holding that model's key. Repeatable.")
    var modelKeys: [String] = []

    @Option(name: .long, help: "trace, debug, info, notice, warning, error, or critical (default: $SLUICE_LOG_LEVEL or info).")
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let level = try Self.level(logLevel ?? environment["SLUICE_LOG_LEVEL"] ?? "info")
        LoggingSystem.bootstrap { label in SluiceLogHandler(label: label, level: level) }
        let logger = Logger(label: "sluice")
        var gatewayConfig: GatewayConfig
        do {
            if let path = config ?? environment["SLUICE_CONFIG"] {
                gatewayConfig = try GatewayConfig.load(path: path, environment: environment)
            } else {
                gatewayConfig = GatewayConfig(ledger: LedgerConfig.embedded)
            }
            try gatewayConfig.addCommandLineModels(models, keys: modelKeys, environment: environment)
        } catch {
            throw CLIError("configuration error: \(error)")
        }
        if let host { gatewayConfig.server.host = host }
        if let port { gatewayConfig.server.port = port }
        try await DefaultModel.addIfNoneConfigured(&gatewayConfig, logger: logger)
        let gateway = try await Gateway(config: gatewayConfig, logger: logger)
        let address = "\(gatewayConfig.server.host):\(gatewayConfig.server.port)"
        try await gateway.run(onServerRunning: { channel in
            logger.notice("sluice listening", metadata: ["address": "\(channel.localAddress?.description ?? address)"])
        })
    }

    static func level(_ name: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: name.lowercased()) else {
            throw ValidationError("unknown log level '\(name)'; use trace, debug, info, notice, warning, error, or critical")
        }
        return level
    }
}
