import Foundation

/// Memory and CPU figures for a process, read from Linux's `/proc`.
struct ProcessStats: Sendable {
    /// Peak resident set size (`VmHWM`), in bytes.
    var peakResidentBytes: UInt64
    /// Current resident set size (`VmRSS`), in bytes.
    var residentBytes: UInt64
    /// User plus system CPU time, in seconds.
    var cpuSeconds: Double

    /// Reads the figures for `pid` (or the calling process when `nil`); `nil` if the process is gone.
    static func read(pid: Int32? = nil) -> ProcessStats? {
        let base = pid.map { "/proc/\($0)" } ?? "/proc/self"
        guard let status = try? String(contentsOfFile: "\(base)/status", encoding: .utf8),
            let stat = try? String(contentsOfFile: "\(base)/stat", encoding: .utf8)
        else { return nil }
        return ProcessStats(
            peakResidentBytes: kilobytes(named: "VmHWM:", in: status) * 1024,
            residentBytes: kilobytes(named: "VmRSS:", in: status) * 1024,
            cpuSeconds: cpuSeconds(stat: stat))
    }

    /// The pids of `pid` and all its descendants, from `/proc/<pid>/task/<tid>/children`.
    static func tree(of pid: Int32) -> [Int32] {
        var result: [Int32] = [pid]
        var index = 0
        while index < result.count {
            let current = result[index]
            index += 1
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(current)/task")) ?? []
            for task in tasks {
                guard let text = try? String(contentsOfFile: "/proc/\(current)/task/\(task)/children", encoding: .utf8)
                else { continue }
                result += text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
        }
        return result
    }

    /// The figures of a process tree, added up (peaks are summed, so this bounds the tree's true peak).
    static func readTree(of pid: Int32) -> ProcessStats? {
        let all = tree(of: pid).compactMap { read(pid: $0) }
        guard !all.isEmpty else { return nil }
        return all.dropFirst().reduce(all[0]) { sum, next in
            ProcessStats(
                peakResidentBytes: sum.peakResidentBytes + next.peakResidentBytes,
                residentBytes: sum.residentBytes + next.residentBytes,
                cpuSeconds: sum.cpuSeconds + next.cpuSeconds)
        }
    }

    private static func kilobytes(named name: String, in status: String) -> UInt64 {
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? ""
            return UInt64(digits) ?? 0
        }
        return 0
    }

    /// utime and stime are the 14th and 15th fields of `stat`, counted after the `)` that ends the
    /// command name (which may itself contain spaces).
    private static func cpuSeconds(stat: String) -> Double {
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3), so utime (field 14) is fields[11] and stime fields[12].
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) / (ticks > 0 ? ticks : 100)
    }
}
