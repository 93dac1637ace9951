import Foundation
import Logging

/// A log handler that writes one line per message to standard error and formats metadata only when a
/// line is actually written. (swift-log's `StreamLogHandler` re-renders all metadata whenever a key is
/// set, which the gateway does for every request.)
public struct SluiceLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        var merged = metadata
        if let explicit { merged.merge(explicit) { $1 } }
        var text = "\(Date().formatted(.iso8601)) \(level) \(label):"
        for key in merged.keys.sorted() { text += " \(key)=\(merged[key]!)" }
        text += " [\(source)] \(message)\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
