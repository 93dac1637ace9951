import Foundation

/// Standard error as a `TextOutputStream`, for progress lines that should not mix with results.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
