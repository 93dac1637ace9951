import ArgumentParser
import Foundation
import SluiceEngine

/// `sluice tokenize`: prints the token ids of a text as a JSON array.
struct TokenizeCommand: AsyncParsableCommand {
    static let configuration: CommandConfiguration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of a text as a JSON array.",
        discussion: """
            Special tokens written in the text (such as <|im_start|>) are parsed as single tokens unless \
            --no-special is given. No BOS token is added unless --add-special is given and the model asks for one.
            """
    )

    @Option(name: .long, help: "A .gguf model file, or 'local' (or 'default') for the default model, fetched on first use.")
    var model: String = "local"

    @Flag(name: .customLong("no-special"), help: "Treat special-token text as plain text.")
    var noSpecial: Bool = false

    @Flag(name: .customLong("add-special"), help: "Add BOS/EOS tokens when the model asks for them.")
    var addSpecial: Bool = false

    @Argument(help: "The text to tokenize (read from standard input when omitted).")
    var text: String?

    func run() async throws {
        let path: URL = try await Self.resolveModel(model)
        let file: GGUFFile = try GGUFFile(path: path.path)
        let tokenizer: Tokenizer = try Tokenizer(gguf: file)
        let input: String
        if let text: String = text {
            input = text
        } else {
            input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        let ids: [Int32] = tokenizer.encode(input, addSpecial: addSpecial, parseSpecial: !noSpecial)
        print("[" + ids.map { (id: Int32) -> String in String(id) }.joined(separator: ",") + "]")
    }

    /// A model argument to a file path: `local`/`default` is the default model (fetched if needed), anything
    /// else must be an existing file.
    static func resolveModel(_ model: String) async throws -> URL {
        if model == "local" || model == "default" {
            return try await ModelFetcher().ensureDefaultModel { (message: String) in
                FileHandle.standardError.write(Data("sluice: \(message)\n".utf8))
            }
        }
        let url: URL = URL(fileURLWithPath: (model as NSString).expandingTildeInPath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ValidationError("no model file at \(url.path): pass a .gguf path, or 'local' for the default model")
        }
        return url
    }
}
