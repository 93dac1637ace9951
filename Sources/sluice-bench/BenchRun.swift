import Foundation
import NIOPosix

/// What a benchmark prints: a plain-text report and the Markdown block for BENCHMARKS.md.
protocol BenchReport: Sendable {
    var text: String { get }
    var markdown: String { get }
}

/// The frame every load benchmark runs in: a scratch directory for its configs and databases, and two
/// one-thread event loop groups, one for its mock upstreams and one for its load generator (so each takes
/// at most one core). The groups are shut down whichever way the bench ends; the report is printed and
/// the directory removed when it succeeds.
enum BenchRun {
    static func measure<Report: BenchReport>(
        named name: String,
        _ body: (_ directory: URL, _ mockGroup: MultiThreadedEventLoopGroup, _ loadGroup: MultiThreadedEventLoopGroup)
            async throws -> Report
    ) async throws -> Report {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let mockGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loadGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let report: Report
        do {
            report = try await body(directory, mockGroup, loadGroup)
        } catch {
            try? await mockGroup.shutdownGracefully()
            try? await loadGroup.shutdownGracefully()
            throw error
        }
        try await mockGroup.shutdownGracefully()
        try await loadGroup.shutdownGracefully()
        print(report.text)
        print("\n--- Markdown for BENCHMARKS.md ---\n")
        print(report.markdown)
        try? FileManager.default.removeItem(at: directory)
        return report
    }
}
