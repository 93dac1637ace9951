import Foundation

/// The routing benchmark's results: for each part, tables and plain-language summary lines, as aligned
/// text for the terminal and as Markdown for BENCHMARKS.md.
struct RoutingReport: Sendable, BenchReport {
    /// One part of the report.
    struct Section: Sendable {
        var title: String
        var tables: [TextTable]
        /// Summary sentences and notes, shown under the tables.
        var lines: [String]
    }

    /// What the run was started with and where.
    struct Settings: Sendable {
        var command: String
        var loadAverage: (before: String, after: String)
    }

    let settings: Settings
    let sections: [Section]

    /// The whole report for the terminal.
    var text: String {
        var parts = ["Sluice routing benchmark"]
        for section in sections {
            parts.append("== \(section.title) ==")
            parts += section.tables.map(\.aligned)
            parts.append(section.lines.map { "- " + $0 }.joined(separator: "\n"))
        }
        parts.append(notes.map { "- " + $0 }.joined(separator: "\n"))
        return parts.joined(separator: "\n\n")
    }

    /// The same, as a Markdown section body for BENCHMARKS.md.
    var markdown: String {
        let date = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate])
        var parts = ["Measured \(date) with `\(settings.command)`."]
        for section in sections {
            parts.append("#### \(section.title)")
            parts += section.tables.map(\.markdown)
            parts.append(section.lines.map { "- " + $0 }.joined(separator: "\n"))
        }
        parts.append(notes.map { "- " + $0 }.joined(separator: "\n"))
        return parts.joined(separator: "\n\n")
    }

    /// Where it ran.
    var notes: [String] {
        [
            "machine: \(GatewayReport.machine()); mock upstreams and load generator (SwiftNIO, one event loop thread each) in the bench process; Sluice as child processes (`sluice serve`, log level warning). All share the same cores.",
            "load average (1, 5, 15 min) before: \(settings.loadAverage.before); after: \(settings.loadAverage.after).",
        ]
    }
}

/// Number formats of the routing report.
enum RoutingFormat {
    /// Nanoseconds as microseconds with two decimals: `3.41 µs`.
    static func microseconds(_ nanoseconds: Double) -> String {
        String(format: "%.2f µs", nanoseconds / 1e3)
    }

    /// Nanoseconds as milliseconds with one decimal: `101.3 ms`.
    static func milliseconds(_ nanoseconds: Double) -> String {
        String(format: "%.1f ms", nanoseconds / 1e6)
    }

    /// A share as a percentage with one decimal: `99.8%`.
    static func percent(_ share: Double) -> String {
        String(format: "%.1f%%", share * 100)
    }

    /// A ratio with three decimals: `0.974×`.
    static func ratio(_ value: Double) -> String {
        String(format: "%.3f×", value)
    }

    /// A count with thousands separators: `12,345`.
    static func count<Number: BinaryInteger>(_ value: Number) -> String {
        Format.rate(Double(value))
    }
}
