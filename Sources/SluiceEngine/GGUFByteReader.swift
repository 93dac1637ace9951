/// A bounds-checked little-endian cursor over a mapped GGUF file.
struct GGUFByteReader {
    let base: UnsafeRawPointer
    let size: Int
    var offset: Int = 0

    init(base: UnsafeRawPointer, size: Int) {
        self.base = base
        self.size = size
    }

    /// Throws unless `count` more bytes are available at the cursor.
    func require(_ count: Int) throws(GGUFError) {
        if count < 0 || count > size - offset {
            throw GGUFError.truncated(needed: count, offset: offset, fileSize: size)
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(GGUFError) -> T {
        let width: Int = MemoryLayout<T>.size
        try require(width)
        let value: T = base.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += width
        return T(littleEndian: value)
    }

    /// Reads a u64 count and checks that `count * minimumElementBytes` bytes can still follow.
    mutating func readLength(minimumElementBytes: Int) throws(GGUFError) -> Int {
        let start: Int = offset
        let raw: UInt64 = try read(UInt64.self)
        let remaining: Int = size - offset
        let perElement: UInt64 = UInt64(max(minimumElementBytes, 0))
        if raw > UInt64(remaining) || (perElement > 0 && raw > UInt64(remaining) / perElement) {
            throw GGUFError.lengthTooLarge(length: raw, offset: start, fileSize: size)
        }
        return Int(raw)
    }

    mutating func readString() throws(GGUFError) -> String {
        let length: Int = try readLength(minimumElementBytes: 1)
        let bytes: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: base + offset, count: length)
        offset += length
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads one metadata value of GGUF type id `type`.
    mutating func readValue(type: UInt32, key: String, depth: Int = 0) throws(GGUFError) -> GGUFValue {
        switch type {
        case 0: return .uint8(try read(UInt8.self))
        case 1: return .int8(try read(Int8.self))
        case 2: return .uint16(try read(UInt16.self))
        case 3: return .int16(try read(Int16.self))
        case 4: return .uint32(try read(UInt32.self))
        case 5: return .int32(try read(Int32.self))
        case 6: return .float32(Float(bitPattern: try read(UInt32.self)))
        case 7: return .bool(try read(UInt8.self) != 0)
        case 8: return .string(try readString())
        case 9:
            let elementType: UInt32 = try read(UInt32.self)
            guard elementType <= 12, depth < 8 else { throw GGUFError.unknownValueType(elementType, key: key) }
            let count: Int = try readLength(minimumElementBytes: Self.minimumBytes(type: elementType))
            var values: [GGUFValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count {
                values.append(try readValue(type: elementType, key: key, depth: depth + 1))
            }
            return .array(values)
        case 10: return .uint64(try read(UInt64.self))
        case 11: return .int64(try read(Int64.self))
        case 12: return .float64(Double(bitPattern: try read(UInt64.self)))
        default: throw GGUFError.unknownValueType(type, key: key)
        }
    }

    /// The smallest encoding of a value of `type`, used to cap declared array lengths.
    static func minimumBytes(type: UInt32) -> Int {
        switch type {
        case 0, 1, 7: return 1
        case 2, 3: return 2
        case 4, 5, 6: return 4
        case 8: return 8
        case 9: return 12
        case 10, 11, 12: return 8
        default: return 1
        }
    }
}
