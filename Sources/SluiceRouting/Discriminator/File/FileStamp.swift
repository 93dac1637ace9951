import Foundation

/// What a file looked like when last checked: enough to tell that it was replaced or rewritten.
enum FileStamp: Hashable {
    /// The file's modification time, size and inode (an atomic save gives a new inode).
    case present(modified: Date, size: UInt64, inode: UInt64)
    /// The file's attributes could not be read (it is missing, say).
    case unavailable(reason: String)

    init(path: String) {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            self = .present(
                modified: attributes[.modificationDate] as? Date ?? .distantPast,
                size: Self.number(attributes[.size]), inode: Self.number(attributes[.systemFileNumber]))
        } catch {
            self = .unavailable(reason: TrainingData.reason(error))
        }
    }

    /// A file attribute's number, however Foundation boxed it.
    private static func number(_ value: Any?) -> UInt64 {
        switch value {
        case let value as UInt64: return value
        case let value as Int: return UInt64(truncatingIfNeeded: value)
        case let value as Int64: return UInt64(truncatingIfNeeded: value)
        case let value as UInt: return UInt64(value)
        case let value as NSNumber: return value.uint64Value
        default: return 0
        }
    }
}
