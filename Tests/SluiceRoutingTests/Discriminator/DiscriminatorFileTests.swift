import Foundation
import Testing
@testable import SluiceRouting

/// Model files: round trip, sparse storage, typed errors, and reloading when the file changes.
@Suite("Discriminator model file")
struct DiscriminatorFileTests {
    @Test("save and load give the same model; only nonzero weights are stored")
    func roundTrip() throws {
        let model = DiscriminatorFixture.share20
        let path = DiscriminatorFixture.temporaryPath("router.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try DiscriminatorFile.save(model, to: path)
        let loaded = try DiscriminatorFile.load(path: path)
        #expect(loaded.weights == model.weights)
        #expect(loaded.bias == model.bias)
        #expect(loaded.threshold == model.threshold)
        #expect(loaded.calibration == model.calibration)
        #expect(loaded.extractor == model.extractor)
        for example in DiscriminatorFixture.heldOut.prefix(20) {
            #expect(loaded.decide(example.features) == model.decide(example.features))
        }
        // Sparse: far fewer stored weights than dimensions.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let weights = try #require(json?["weights"] as? [String: Any])
        let indices = try #require(weights["indices"] as? [Int])
        #expect(indices.count == model.nonzeroWeights)
        #expect(indices.count < model.dimensions / 4)
        #expect(json?["extractor_version"] as? Int == 1)
    }

    @Test("a file from another extractor version is refused with a clear error")
    func versionMismatch() throws {
        var text = try #require(String(data: try DiscriminatorFile.encode(DiscriminatorFixture.tinyModel(threshold: 0.5)), encoding: .utf8))
        text = text.replacingOccurrences(of: "\"extractor_version\":1", with: "\"extractor_version\":2")
        #expect(throws: DiscriminatorFileError.extractorVersionMismatch(path: "old.json", found: 2, expected: 1)) {
            try DiscriminatorFile.decode(Data(text.utf8), path: "old.json")
        }
        let error = DiscriminatorFileError.extractorVersionMismatch(path: "old.json", found: 2, expected: 1)
        #expect(error.description.contains("retrain"))
    }

    @Test("corrupt or inconsistent files are malformed", arguments: [
        "not json",
        "{}",
        #"{"model":"logistic_regression","extractor_version":1,"dimensions":1000,"bias":0,"threshold":0.5,"calibration":{},"weights":{"indices":[],"values":[]}}"#,
        #"{"model":"gbdt","extractor_version":1,"dimensions":1024,"bias":0,"threshold":0.5,"calibration":{},"weights":{"indices":[],"values":[]}}"#,
    ])
    func malformed(text: String) {
        #expect {
            try DiscriminatorFile.decode(Data(text.utf8), path: "bad.json")
        } throws: { error in
            guard case .malformed(let path, _)? = error as? DiscriminatorFileError else { return false }
            return path == "bad.json"
        }
    }

    @Test("an out-of-range weight index is refused, not trusted")
    func indexOutOfRange() throws {
        var text = try #require(String(data: try DiscriminatorFile.encode(DiscriminatorFixture.tinyModel(threshold: 0.5)), encoding: .utf8))
        text = text.replacingOccurrences(of: "\"indices\":[5,700]", with: "\"indices\":[5,5000]")
        #expect(text.contains("5000"))
        #expect(throws: DiscriminatorFileError.self) { try DiscriminatorFile.decode(Data(text.utf8)) }
    }

    @Test("reloads when the file changes; a bad new file keeps the old model and throws once")
    func reloadOnChange() throws {
        let path = DiscriminatorFixture.temporaryPath("router.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reloading = ReloadingDiscriminator(path: path)
        #expect(reloading.current == nil)
        // No file yet: unreadable, reported once.
        #expect(throws: DiscriminatorFileError.unreadable(path: path, reason: "no such file")) {
            try reloading.reloadIfChanged()
        }
        #expect(try reloading.reloadIfChanged() == false)

        // With tools, the tiny model's probability is σ(−1 + 2) ≈ 0.73.
        let tools = RequestFeatures(hasTools: true)
        try DiscriminatorFile.save(DiscriminatorFixture.tinyModel(threshold: 0.9), to: path)
        #expect(try reloading.reloadIfChanged() == true)
        #expect(reloading.current?.threshold == 0.9)
        #expect(reloading.decide(tools)?.strong == false)
        #expect(try reloading.reloadIfChanged() == false)

        try DiscriminatorFile.save(DiscriminatorFixture.tinyModel(threshold: 0.5), to: path)
        try Self.bumpModificationTime(path, by: 10)
        #expect(try reloading.reloadIfChanged() == true)
        #expect(reloading.current?.threshold == 0.5)
        #expect(reloading.decide(tools)?.strong == true)

        try Data("{\"model\": \"logistic_regr".utf8).write(to: URL(fileURLWithPath: path))
        try Self.bumpModificationTime(path, by: 20)
        #expect(throws: DiscriminatorFileError.self) { try reloading.reloadIfChanged() }
        #expect(reloading.current?.threshold == 0.5)
        #expect(try reloading.reloadIfChanged() == false)

        // Fixed again: picked up.
        try DiscriminatorFile.save(DiscriminatorFixture.tinyModel(threshold: 0.7), to: path)
        try Self.bumpModificationTime(path, by: 30)
        #expect(try reloading.reloadIfChanged() == true)
        #expect(reloading.current?.threshold == 0.7)
    }

    @Test("a file's stamp holds its size, inode and modification time")
    func fileStamp() throws {
        let path = DiscriminatorFixture.temporaryPath("stamp.txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("12345".utf8).write(to: URL(fileURLWithPath: path))
        guard case .present(let modified, let size, let inode) = FileStamp(path: path) else {
            Issue.record("no stamp for an existing file")
            return
        }
        #expect(size == 5)
        #expect(inode != 0)
        #expect(abs(modified.timeIntervalSinceNow) < 60)
        #expect(FileStamp(path: path + ".missing") == .unavailable(reason: "no such file"))
    }

    /// Sets the file's modification time `seconds` into the future, so that a rewrite within the
    /// file system's timestamp resolution still counts as a change.
    static func bumpModificationTime(_ path: String, by seconds: TimeInterval) throws {
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(seconds)], ofItemAtPath: path)
    }
}
