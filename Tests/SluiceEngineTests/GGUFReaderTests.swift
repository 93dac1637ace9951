import Foundation
import Testing

@testable import SluiceEngine

/// Builds small GGUF files byte by byte for tests.
struct GGUFTestFile {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func string(_ s: String) {
        u64(UInt64(s.utf8.count))
        bytes.append(contentsOf: Array(s.utf8))
    }

    mutating func header(version: UInt32 = 3, tensors: UInt64, keyValues: UInt64) {
        u32(0x4655_4747)
        u32(version)
        u64(tensors)
        u64(keyValues)
    }

    /// Writes a value's type id and payload.
    mutating func value(_ value: GGUFValue) {
        u32(Self.typeID(value))
        payload(value)
    }

    mutating func payload(_ value: GGUFValue) {
        switch value {
        case .uint8(let v): u8(v)
        case .int8(let v): u8(UInt8(bitPattern: v))
        case .uint16(let v): u16(v)
        case .int16(let v): u16(UInt16(bitPattern: v))
        case .uint32(let v): u32(v)
        case .int32(let v): u32(UInt32(bitPattern: v))
        case .float32(let v): f32(v)
        case .bool(let v): u8(v ? 1 : 0)
        case .string(let v): string(v)
        case .array(let values):
            u32(values.first.map(Self.typeID) ?? 4)
            u64(UInt64(values.count))
            for element: GGUFValue in values { payload(element) }
        case .uint64(let v): u64(v)
        case .int64(let v): u64(UInt64(bitPattern: v))
        case .float64(let v): u64(v.bitPattern)
        }
    }

    static func typeID(_ value: GGUFValue) -> UInt32 {
        switch value {
        case .uint8: return 0
        case .int8: return 1
        case .uint16: return 2
        case .int16: return 3
        case .uint32: return 4
        case .int32: return 5
        case .float32: return 6
        case .bool: return 7
        case .string: return 8
        case .array: return 9
        case .uint64: return 10
        case .int64: return 11
        case .float64: return 12
        }
    }

    mutating func keyValue(_ key: String, _ v: GGUFValue) {
        string(key)
        value(v)
    }

    mutating func tensorInfo(_ name: String, dims: [UInt64], type: UInt32, offset: UInt64) {
        string(name)
        u32(UInt32(dims.count))
        for d: UInt64 in dims { u64(d) }
        u32(type)
        u64(offset)
    }

    mutating func pad(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }

    /// Builds a complete file: metadata, then tensors (name, dims, type, raw bytes) laid out aligned.
    static func build(
        metadata: [(String, GGUFValue)], tensors: [(String, [UInt64], GGUFTensorType, [UInt8])], alignment: Int = 32
    ) -> [UInt8] {
        var file: GGUFTestFile = GGUFTestFile()
        file.header(tensors: UInt64(tensors.count), keyValues: UInt64(metadata.count))
        for (key, v) in metadata { file.keyValue(key, v) }
        var offset: UInt64 = 0
        var offsets: [UInt64] = []
        for tensor in tensors {
            offsets.append(offset)
            offset += UInt64(tensor.3.count)
            offset = (offset + UInt64(alignment) - 1) / UInt64(alignment) * UInt64(alignment)
        }
        for (index, tensor) in tensors.enumerated() {
            file.tensorInfo(tensor.0, dims: tensor.1, type: tensor.2.rawValue, offset: offsets[index])
        }
        file.pad(to: alignment)
        for tensor in tensors {
            file.bytes.append(contentsOf: tensor.3)
            file.pad(to: alignment)
        }
        return file.bytes
    }

    /// Writes bytes to a fresh temp file and returns its path.
    static func write(_ bytes: [UInt8]) -> String {
        let path: String = NSTemporaryDirectory() + "sluice-gguf-\(UUID().uuidString).gguf"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }
}

private func open(_ bytes: [UInt8]) throws(GGUFError) -> GGUFFile {
    let path: String = GGUFTestFile.write(bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try GGUFFile(path: path)
}

private func expectError(_ bytes: [UInt8], _ expected: GGUFError) {
    do {
        _ = try open(bytes)
        Issue.record("expected \(expected), but the file parsed")
    } catch {
        #expect(error == expected)
    }
}

@Suite struct GGUFReaderTests {
    @Test func readsEveryMetadataType() throws {
        let metadata: [(String, GGUFValue)] = [
            ("general.architecture", .string("llama")),
            ("t.u8", .uint8(200)), ("t.i8", .int8(-100)), ("t.u16", .uint16(60000)), ("t.i16", .int16(-30000)),
            ("t.u32", .uint32(4_000_000_000)), ("t.i32", .int32(-2_000_000_000)), ("t.f32", .float32(1.5)),
            ("t.bool", .bool(true)), ("t.str", .string("héllo")), ("t.u64", .uint64(1 << 50)),
            ("t.i64", .int64(-(1 << 50))), ("t.f64", .float64(-2.25)),
            ("t.arr", .array([.int32(1), .int32(-2), .int32(3)])),
            ("t.strs", .array([.string("a"), .string(""), .string("ccc")])),
            ("t.nested", .array([.array([.float32(1), .float32(2)]), .array([.float32(3)])])),
            ("t.empty", .array([])),
        ]
        let file: GGUFFile = try open(GGUFTestFile.build(metadata: metadata, tensors: []))
        #expect(file.version == 3)
        #expect(file.architecture == "llama")
        for (key, value) in metadata { #expect(file.metadata[key] == value, "\(key)") }
        #expect(file.metadata["t.u8"]?.intValue == 200)
        #expect(file.metadata["t.i64"]?.intValue == -(1 << 50))
        #expect(file.metadata["t.f32"]?.floatValue == 1.5)
        #expect(file.metadata["t.bool"]?.boolValue == true)
        #expect(file.metadata["t.arr"]?.intArray == [1, -2, 3])
        #expect(file.metadata["t.strs"]?.stringArray == ["a", "", "ccc"])
        #expect(file.metadata["t.nested"]?.arrayValue?.count == 2)
        #expect(file.metadata["t.nested"]?.arrayValue?[0].floatArray == [1, 2])
        #expect(file.metadata["t.str"]?.intValue == nil)
        #expect(file.metadata["t.strs"]?.intArray == nil)
        #expect(file.alignment == 32)
    }

    @Test func acceptsVersion2() throws {
        var file: GGUFTestFile = GGUFTestFile()
        file.header(version: 2, tensors: 0, keyValues: 1)
        file.keyValue("a", .uint32(7))
        let parsed: GGUFFile = try open(file.bytes)
        #expect(parsed.version == 2)
        #expect(parsed.metadata["a"] == .uint32(7))
    }

    @Test func tensorsHonourAlignment() throws {
        let a: [UInt8] = (0..<12).map { UInt8($0) }  // 3 f32
        let b: [UInt8] = (0..<20).map { UInt8(100 + $0) }  // one Q4_1 block
        for alignment: Int in [32, 64] {
            let bytes: [UInt8] = GGUFTestFile.build(
                metadata: [("general.alignment", .uint32(UInt32(alignment)))],
                tensors: [("a", [3], .f32, a), ("b", [32, 1], .q4_1, b)], alignment: alignment)
            let file: GGUFFile = try open(bytes)
            #expect(file.alignment == alignment)
            #expect(file.dataOffset % alignment == 0)
            let infoB: GGUFTensorInfo = try #require(file.tensors["b"])
            #expect(infoB.type == .q4_1)
            #expect(infoB.dimensions == [32, 1])
            #expect(infoB.byteCount == 20)
            #expect(infoB.fileOffset == file.dataOffset + alignment)
            #expect(Array(try file.tensorData("a")) == a)
            #expect(Array(try file.tensorData("b")) == b)
            #expect(file.tensorNames == ["a", "b"])
        }
    }

    @Test func rejectsBadMagic() {
        var bytes: [UInt8] = GGUFTestFile.build(metadata: [], tensors: [])
        bytes[0] = UInt8(ascii: "X")
        expectError(bytes, .badMagic(found: 0x4655_4758))
    }

    @Test func rejectsUnsupportedVersion() {
        var file: GGUFTestFile = GGUFTestFile()
        file.header(version: 7, tensors: 0, keyValues: 0)
        expectError(file.bytes, .unsupportedVersion(7))
    }

    @Test func rejectsTruncatedHeader() {
        var file: GGUFTestFile = GGUFTestFile()
        file.header(tensors: 0, keyValues: 1)
        file.keyValue("k", .uint32(1))
        let bytes: [UInt8] = file.bytes
        expectError(Array(bytes.prefix(10)), .truncated(needed: 8, offset: 8, fileSize: 10))
        // Cut inside the value: the u32 payload needs 4 bytes.
        let cut: Int = bytes.count - 2
        expectError(Array(bytes.prefix(cut)), .truncated(needed: 4, offset: cut - 2, fileSize: cut))
    }

    @Test func rejectsTruncatedTensorData() {
        let bytes: [UInt8] = GGUFTestFile.build(metadata: [], tensors: [("w", [64], .f32, [UInt8](repeating: 1, count: 256))])
        let cut: [UInt8] = Array(bytes.prefix(bytes.count - 16))
        do {
            _ = try open(cut)
            Issue.record("parsed a truncated tensor")
        } catch {
            guard case .tensorDataOutOfBounds(let name, _, let size, let fileSize) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(name == "w")
            #expect(size == 256)
            #expect(fileSize == cut.count)
        }
    }

    @Test func rejectsUnknownTensorType() {
        var file: GGUFTestFile = GGUFTestFile()
        file.header(tensors: 1, keyValues: 0)
        file.tensorInfo("weird", dims: [32], type: 99, offset: 0)
        file.pad(to: 32)
        file.bytes.append(contentsOf: [UInt8](repeating: 0, count: 64))
        expectError(file.bytes, .unknownTensorType(99, tensor: "weird"))
    }

    @Test func rejectsHugeStringLength() {
        var file: GGUFTestFile = GGUFTestFile()
        file.header(tensors: 0, keyValues: 1)
        file.u64(UInt64.max - 3)
        file.bytes.append(contentsOf: [UInt8](repeating: 7, count: 23))
        expectError(file.bytes, .lengthTooLarge(length: UInt64.max - 3, offset: 24, fileSize: 55))
    }

    @Test func rejectsHugeArrayLength() {
        var file: GGUFTestFile = GGUFTestFile()
        file.header(tensors: 0, keyValues: 1)
        file.string("arr")
        file.u32(9)
        file.u32(4)
        file.u64(1 << 40)
        file.u32(1)
        guard case .lengthTooLarge(let length, _, _) = Result(catching: { () throws(GGUFError) -> GGUFFile in try open(file.bytes) }).error else {
            Issue.record("expected lengthTooLarge")
            return
        }
        #expect(length == 1 << 40)
    }

    @Test func rejectsUnknownValueTypeAndBadAlignment() {
        var file: GGUFTestFile = GGUFTestFile()
        file.header(tensors: 0, keyValues: 1)
        file.string("odd")
        file.u32(42)
        file.u32(0)
        expectError(file.bytes, .unknownValueType(42, key: "odd"))
        expectError(GGUFTestFile.build(metadata: [("general.alignment", .uint32(24))], tensors: []), .invalidAlignment(24))
    }

    @Test func rejectsBadRowLengthAndMissingFile() {
        let bytes: [UInt8] = GGUFTestFile.build(metadata: [], tensors: [("q", [33], .q8_0, [UInt8](repeating: 0, count: 68))])
        guard case .invalidTensorShape(let name, _) = Result(catching: { () throws(GGUFError) -> GGUFFile in try open(bytes) }).error else {
            Issue.record("expected invalidTensorShape")
            return
        }
        #expect(name == "q")
        #expect(throws: GGUFError.self) { try GGUFFile(path: "/nonexistent/model.gguf") }
    }

    @Test func errorMessagesAreSpecific() {
        #expect(GGUFError.badMagic(found: 0).description.contains("not a GGUF file"))
        #expect(GGUFError.truncated(needed: 8, offset: 16, fileSize: 20).description.contains("needs 8 bytes at offset 16, file has 20"))
        #expect(GGUFError.unknownTensorType(99, tensor: "x").description == "unknown tensor type 99 for tensor 'x'")
        #expect(GGUFError.unknownArchitecture("gpt9").description == "unknown architecture 'gpt9'")
    }
}

extension Result {
    /// The failure, if any.
    var error: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
