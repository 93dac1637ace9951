/// Why a GGUF file could not be read or used.
public enum GGUFError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or mapped.
    case cannotOpen(path: String, errno: Int32)
    /// The first four bytes are not `GGUF`.
    case badMagic(found: UInt32)
    /// The version field is not 2 or 3.
    case unsupportedVersion(Int)
    /// A read needed `needed` bytes at `offset` but the file ends at `fileSize`.
    case truncated(needed: Int, offset: Int, fileSize: Int)
    /// A declared string or array length cannot fit in the rest of the file.
    case lengthTooLarge(length: UInt64, offset: Int, fileSize: Int)
    /// A metadata value has a type id outside the GGUF spec.
    case unknownValueType(UInt32, key: String)
    /// `general.alignment` is zero, not a power of two, or not an integer.
    case invalidAlignment(Int)
    /// A tensor uses a ggml type id this reader does not know.
    case unknownTensorType(UInt32, tensor: String)
    /// A tensor's shape is invalid (too many dimensions, zero/negative sizes, or rows not a whole number of blocks).
    case invalidTensorShape(tensor: String, reason: String)
    /// A tensor's bytes lie (partly) outside the file.
    case tensorDataOutOfBounds(tensor: String, offset: Int, size: Int, fileSize: Int)
    /// Two tensors share a name.
    case duplicateTensor(String)
    /// `general.architecture` names a model family the engine does not implement.
    case unknownArchitecture(String)
    /// A required metadata key is absent.
    case missingMetadata(String)
    /// A metadata key has a value of the wrong type.
    case wrongMetadataType(key: String, expected: String)
    /// A required tensor is absent.
    case missingTensor(String)
    /// A tensor exists but its type or shape is not what the model needs.
    case unsupportedTensor(tensor: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let code):
            return "cannot open GGUF file '\(path)' (errno \(code))"
        case .badMagic(let found):
            return "not a GGUF file (bad magic 0x\(String(found, radix: 16)), expected 0x46554747 'GGUF')"
        case .unsupportedVersion(let version):
            return "unsupported GGUF version \(version) (supported: 2, 3)"
        case .truncated(let needed, let offset, let fileSize):
            return "truncated GGUF file: needs \(needed) bytes at offset \(offset), file has \(fileSize)"
        case .lengthTooLarge(let length, let offset, let fileSize):
            return "GGUF length \(length) at offset \(offset) exceeds the file size \(fileSize)"
        case .unknownValueType(let type, let key):
            return "unknown GGUF metadata value type \(type) for key '\(key)'"
        case .invalidAlignment(let alignment):
            return "invalid general.alignment \(alignment) (must be a power of two)"
        case .unknownTensorType(let type, let tensor):
            return "unknown tensor type \(type) for tensor '\(tensor)'"
        case .invalidTensorShape(let tensor, let reason):
            return "invalid shape for tensor '\(tensor)': \(reason)"
        case .tensorDataOutOfBounds(let tensor, let offset, let size, let fileSize):
            return "tensor data out of bounds: '\(tensor)' needs \(size) bytes at offset \(offset), file has \(fileSize)"
        case .duplicateTensor(let name):
            return "duplicate tensor '\(name)'"
        case .unknownArchitecture(let name):
            return "unknown architecture '\(name)'"
        case .missingMetadata(let key):
            return "missing metadata key '\(key)'"
        case .wrongMetadataType(let key, let expected):
            return "metadata key '\(key)' is not \(expected)"
        case .missingTensor(let name):
            return "missing tensor '\(name)'"
        case .unsupportedTensor(let tensor, let reason):
            return "unsupported tensor '\(tensor)': \(reason)"
        }
    }
}
