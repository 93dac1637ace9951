import Foundation

/// Number formats for the report.
enum Format {
    /// Requests per second with thousands separators: `15,234`.
    static func rate(_ value: Double) -> String {
        let whole = Int(value.rounded())
        let digits = String(whole)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }

    /// Nanoseconds as milliseconds with three decimals: `0.182 ms`.
    static func milliseconds(_ nanoseconds: Double) -> String {
        String(format: "%.3f ms", nanoseconds / 1e6)
    }

    /// Bytes as mebibytes with one decimal: `34.5 MB`.
    static func megabytes(_ bytes: UInt64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }

    /// Seconds as microseconds: `61 µs`, `16,340 µs`.
    static func microseconds(_ seconds: Double) -> String {
        rate(seconds * 1e6) + " µs"
    }

    /// A ratio: `254×`.
    static func ratio(_ value: Double) -> String {
        value >= 10 ? String(format: "%.0f×", value) : String(format: "%.1f×", value)
    }
}
