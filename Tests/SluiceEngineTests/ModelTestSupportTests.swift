import Foundation
import Testing

@testable import SluiceEngine

/// Locates the default test model; tests that need it fail (not skip) when it is missing.
enum TestModel {
    static let fileName: String = "SmolLM2-135M-Instruct.Q4_1.gguf"

    static func path() throws -> String {
        let environment: [String: String] = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit: String = environment["SLUICE_TEST_MODEL"] { candidates.append(explicit) }
        if let home: String = environment["SLUICE_HOME"] { candidates.append(home + "/models/" + fileName) }
        candidates.append(NSHomeDirectory() + "/.cache/sluice/models/" + fileName)
        for candidate: String in candidates where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        throw TestModelMissing(searched: candidates)
    }

    /// One engine shared by the model tests (loading is cheap, but threads are not free).
    static func engine(threads: Int = 2) throws -> InferenceEngine {
        try InferenceEngine(file: GGUFFile(path: path()), threads: threads, contextLength: 1024)
    }
}

struct TestModelMissing: Error, CustomStringConvertible {
    let searched: [String]
    var description: String {
        "test model \(TestModel.fileName) not found (set SLUICE_TEST_MODEL); searched: \(searched.joined(separator: ", "))"
    }
}

@Suite struct ModelTestSupportTests {
    @Test func missingModelErrorNamesTheSearchPaths() {
        let error: TestModelMissing = TestModelMissing(searched: ["/a/b.gguf"])
        #expect(error.description.contains("/a/b.gguf"))
        #expect(error.description.contains("SLUICE_TEST_MODEL"))
    }
}
