import ArgumentParser

/// The `sluice` command line.
@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "One OpenAI- and Anthropic-compatible endpoint in front of every model you use.",
        subcommands: [ServeCommand.self, TokenizeCommand.self, ModelsCommand.self]
    )
}
