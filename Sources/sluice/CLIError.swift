/// A failure the command line reports as one clear line (no usage text) with exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
