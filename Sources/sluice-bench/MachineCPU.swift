import Foundation

/// The whole machine's CPU time, from the first line of `/proc/stat`: how busy all cores were during a
/// run tells a CPU-bound slowdown from one where the cores sat idle (waiting on commits, say).
struct MachineCPU: Sendable {
    var busyTicks: UInt64
    var totalTicks: UInt64

    static func read() -> MachineCPU? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard fields.count >= 5 else { return nil }
        // user nice system idle iowait irq softirq steal …; idle and iowait are not busy.
        let total = fields.prefix(8).reduce(0, +)
        return MachineCPU(busyTicks: total - fields[3] - fields[4], totalTicks: total)
    }

    /// The fraction of all cores' time that was busy between two readings.
    static func busyFraction(from before: MachineCPU?, to after: MachineCPU?) -> Double? {
        guard let before, let after, after.totalTicks > before.totalTicks else { return nil }
        return Double(after.busyTicks - before.busyTicks) / Double(after.totalTicks - before.totalTicks)
    }
}
