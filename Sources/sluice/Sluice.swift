import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// The `sluice` command line.
@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "One OpenAI- and Anthropic-compatible endpoint in front of every model you use.",
        subcommands: [ServeCommand.self, KeysCommand.self, UsageCommand.self, RouterCommand.self, TokenizeCommand.self, ModelsCommand.self]
    )

    /// Installs SwiftNIO's event loops as Swift Concurrency's executor before any task starts, so that
    /// request handling does not hop between NIO's threads and a second thread pool (this roughly
    /// halves the gateway's CPU per request). The engine's compute threads stay its own.
    static func main() {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        Task {
            do {
                var command = try parseAsRoot()
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
                Foundation.exit(0)
            } catch {
                Self.exit(withError: error)
            }
        }
        dispatchMain()
    }
}
