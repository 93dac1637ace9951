/// A GGUF model file (version 2 or 3), memory-mapped read-only.
///
/// Parsing validates every length and offset against the file size, so corrupt or truncated files
/// produce a `GGUFError` instead of a crash. Tensor bytes stay in the mapping, which lives as long
/// as this object.
public final class GGUFFile: @unchecked Sendable {
    /// File format version (2 or 3).
    public let version: Int
    /// All metadata key/values (a repeated key keeps its last value).
    public let metadata: [String: GGUFValue]
    /// Tensor descriptions by name.
    public let tensors: [String: GGUFTensorInfo]
    /// Tensor names in file order.
    public let tensorNames: [String]
    /// Data-section alignment (`general.alignment`, default 32).
    public let alignment: Int
    /// File offset where the tensor data section starts.
    public let dataOffset: Int
    /// File size in bytes.
    public var fileSize: Int { mapping.size }

    private let mapping: GGUFMappedFile

    /// `general.architecture`, e.g. `llama`.
    public var architecture: String? { metadata["general.architecture"]?.stringValue }

    /// Maps and parses the file at `path`.
    public init(path: String) throws(GGUFError) {
        let mapping: GGUFMappedFile = try GGUFMappedFile(path: path)
        self.mapping = mapping
        var reader: GGUFByteReader = GGUFByteReader(base: mapping.base, size: mapping.size)

        let magic: UInt32 = try reader.read(UInt32.self)
        guard magic == 0x4655_4747 else { throw GGUFError.badMagic(found: magic) }
        let version: UInt32 = try reader.read(UInt32.self)
        guard version == 2 || version == 3 else { throw GGUFError.unsupportedVersion(Int(version)) }
        self.version = Int(version)
        // A tensor info is at least 8 (name length) + 4 (dims) + 4 (type) + 8 (offset) bytes; a key/value 8 + 4 + 1.
        let tensorCount: Int = try reader.readLength(minimumElementBytes: 24)
        let keyValueCount: Int = try reader.readLength(minimumElementBytes: 13)

        var metadata: [String: GGUFValue] = [:]
        metadata.reserveCapacity(keyValueCount)
        for _ in 0..<keyValueCount {
            let key: String = try reader.readString()
            let type: UInt32 = try reader.read(UInt32.self)
            metadata[key] = try reader.readValue(type: type, key: key)
        }
        self.metadata = metadata

        var alignment: Int = 32
        if let value: GGUFValue = metadata["general.alignment"] {
            guard let integer: Int = value.intValue else { throw GGUFError.invalidAlignment(-1) }
            guard integer > 0, integer & (integer - 1) == 0 else { throw GGUFError.invalidAlignment(integer) }
            alignment = integer
        }
        self.alignment = alignment

        var pending: [(name: String, dimensions: [Int], type: GGUFTensorType, relativeOffset: UInt64)] = []
        pending.reserveCapacity(tensorCount)
        for _ in 0..<tensorCount {
            let name: String = try reader.readString()
            let dimensionCount: UInt32 = try reader.read(UInt32.self)
            guard dimensionCount >= 1, dimensionCount <= 4 else {
                throw GGUFError.invalidTensorShape(tensor: name, reason: "\(dimensionCount) dimensions (1...4 allowed)")
            }
            var dimensions: [Int] = []
            for _ in 0..<dimensionCount {
                let raw: UInt64 = try reader.read(UInt64.self)
                guard raw > 0, raw <= UInt64(1 << 40) else {
                    throw GGUFError.invalidTensorShape(tensor: name, reason: "dimension \(raw)")
                }
                dimensions.append(Int(raw))
            }
            let rawType: UInt32 = try reader.read(UInt32.self)
            guard let type: GGUFTensorType = GGUFTensorType(rawValue: rawType) else {
                throw GGUFError.unknownTensorType(rawType, tensor: name)
            }
            let relativeOffset: UInt64 = try reader.read(UInt64.self)
            pending.append((name, dimensions, type, relativeOffset))
        }

        let dataOffset: Int = (reader.offset + alignment - 1) / alignment * alignment
        self.dataOffset = dataOffset
        let fileSize: Int = mapping.size
        var tensors: [String: GGUFTensorInfo] = [:]
        var names: [String] = []
        for entry in pending {
            guard entry.dimensions[0] % entry.type.blockSize == 0 else {
                throw GGUFError.invalidTensorShape(
                    tensor: entry.name,
                    reason: "row length \(entry.dimensions[0]) is not a multiple of the block size \(entry.type.blockSize)")
            }
            var elements: Int = 1
            for dimension: Int in entry.dimensions {
                let (product, overflow): (Int, Bool) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= (1 << 40) else {
                    throw GGUFError.invalidTensorShape(tensor: entry.name, reason: "too many elements")
                }
                elements = product
            }
            let byteCount: Int = elements / entry.type.blockSize * entry.type.blockBytes
            guard entry.relativeOffset % UInt64(alignment) == 0 else {
                throw GGUFError.invalidTensorShape(tensor: entry.name, reason: "data offset \(entry.relativeOffset) is not aligned to \(alignment)")
            }
            guard entry.relativeOffset <= UInt64(fileSize), dataOffset <= fileSize,
                Int(entry.relativeOffset) + dataOffset <= fileSize - byteCount
            else {
                let start: Int = entry.relativeOffset <= UInt64(Int.max / 2) ? dataOffset + Int(entry.relativeOffset) : Int.max
                throw GGUFError.tensorDataOutOfBounds(tensor: entry.name, offset: start, size: byteCount, fileSize: fileSize)
            }
            guard tensors[entry.name] == nil else { throw GGUFError.duplicateTensor(entry.name) }
            tensors[entry.name] = GGUFTensorInfo(
                name: entry.name, dimensions: entry.dimensions, type: entry.type,
                fileOffset: dataOffset + Int(entry.relativeOffset), byteCount: byteCount)
            names.append(entry.name)
        }
        self.tensors = tensors
        self.tensorNames = names
    }

    /// The bytes of tensor `name`; valid while this `GGUFFile` is alive.
    public func tensorData(_ name: String) throws(GGUFError) -> UnsafeRawBufferPointer {
        guard let info: GGUFTensorInfo = tensors[name] else { throw GGUFError.missingTensor(name) }
        return tensorData(info)
    }

    /// The bytes of a tensor described by `info` (which must come from this file).
    public func tensorData(_ info: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: mapping.base + info.fileOffset, count: info.byteCount)
    }

    /// Metadata value at `key`, or `GGUFError.missingMetadata`.
    public func require(_ key: String) throws(GGUFError) -> GGUFValue {
        guard let value: GGUFValue = metadata[key] else { throw GGUFError.missingMetadata(key) }
        return value
    }

    /// Integer metadata at `key`.
    public func requireInt(_ key: String) throws(GGUFError) -> Int {
        guard let value: Int = try require(key).intValue else { throw GGUFError.wrongMetadataType(key: key, expected: "an integer") }
        return value
    }

    /// Numeric metadata at `key`.
    public func requireFloat(_ key: String) throws(GGUFError) -> Double {
        guard let value: Double = try require(key).floatValue else { throw GGUFError.wrongMetadataType(key: key, expected: "a number") }
        return value
    }
}
