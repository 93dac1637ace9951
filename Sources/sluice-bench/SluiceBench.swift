import ArgumentParser

/// The `sluice-bench` command line: benchmarks that print figures and, where a peer is available, a
/// side-by-side ratio.
///
/// Each benchmark is one subcommand; adding one is one entry in `subcommands`.
@main
struct SluiceBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice-bench",
        abstract: "Sluice benchmarks.",
        subcommands: [GatewayCommand.self, EngineCommand.self, LedgerCommand.self, RoutingCommand.self, ConstrainedCommand.self, KernelsCommand.self]
    )
}
