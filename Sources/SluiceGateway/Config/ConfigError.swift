/// A problem with the configuration, naming where it is.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the problem is in (or `command line`).
    public var source: String
    /// The line, counting from 1, when known.
    public var line: Int?
    public var message: String

    public init(source: String, line: Int?, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(source):\(line): \(message)" }
        return "\(source): \(message)"
    }
}
