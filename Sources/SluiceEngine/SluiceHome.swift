import Foundation

/// Where Sluice keeps its files (models, the SQLite ledger): `$SLUICE_HOME`, or `~/.cache/sluice`.
public enum SluiceHome {
    /// The directory for `environment`.
    public static func directory(environment: [String: String]) -> URL {
        if let configured = environment["SLUICE_HOME"], !configured.isEmpty {
            return URL(fileURLWithPath: configured, isDirectory: true)
        }
        let user = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: user, isDirectory: true).appendingPathComponent(".cache/sluice", isDirectory: true)
    }
}
