import Foundation

/// Reads and writes model files (JSON, see ``DiscriminatorModel``'s `Codable` conformance).
public enum DiscriminatorFile {
    /// Loads a model.
    public static func load(path: String) throws(DiscriminatorFileError) -> DiscriminatorModel {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: TrainingData.reason(error))
        }
        return try decode(data, path: path)
    }

    /// Decodes a model from the file's bytes; `path` only names the file in errors.
    public static func decode(_ data: Data, path: String = "(data)") throws(DiscriminatorFileError) -> DiscriminatorModel {
        let decoder = JSONDecoder()
        // The version first, so that a file from another version says so even if its layout changed.
        do {
            let header = try decoder.decode(Header.self, from: data)
            if let version = header.extractorVersion, version != FeatureExtractor.currentVersion {
                throw DiscriminatorFileError.extractorVersionMismatch(
                    path: path, found: version, expected: FeatureExtractor.currentVersion)
            }
            return try decoder.decode(DiscriminatorModel.self, from: data)
        } catch let error as DiscriminatorFileError {
            throw error
        } catch let error as DecodingError {
            throw .malformed(path: path, reason: error.summary)
        } catch {
            throw .malformed(path: path, reason: "\(error)")
        }
    }

    /// The model as JSON (keys sorted, so that equal models give equal bytes); `path` only names the
    /// file in errors. Fails only if a number is not finite (a threshold set to NaN, say).
    public static func encode(_ model: DiscriminatorModel, path: String = "(data)") throws(DiscriminatorFileError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return try encoder.encode(model)
        } catch {
            throw .unwritable(path: path, reason: "the model holds a number that is not finite")
        }
    }

    /// Writes a model atomically: a reader (such as a reloading gateway) sees the old file or the new
    /// one, never half of it.
    public static func save(_ model: DiscriminatorModel, to path: String) throws(DiscriminatorFileError) {
        let data = try encode(model, path: path)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .unwritable(path: path, reason: TrainingData.reason(error))
        }
    }

    /// The members read before the rest.
    private struct Header: Decodable {
        var extractorVersion: Int?

        private enum CodingKeys: String, CodingKey {
            case extractorVersion = "extractor_version"
        }
    }
}
