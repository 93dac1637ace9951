/// GPT-2's reversible byte ↔ Unicode mapping used by byte-level BPE vocabularies.
///
/// Printable Latin-1 bytes (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) map to themselves; the remaining 68 bytes map, in
/// order, to U+0100 and up. Every vocabulary entry of a byte-level BPE model is written in this alphabet.
enum TokenizerByteLevel {
    /// `byteToScalar[b]` is the code point that stands for byte `b`.
    static let byteToScalar: [UInt32] = {
        var table: [UInt32] = Array(repeating: 0, count: 256)
        var assigned: [Bool] = Array(repeating: false, count: 256)
        for range: ClosedRange<Int> in [0x21...0x7E, 0xA1...0xAC, 0xAE...0xFF] {
            for byte: Int in range {
                table[byte] = UInt32(byte)
                assigned[byte] = true
            }
        }
        var next: UInt32 = 256
        for byte: Int in 0..<256 where !assigned[byte] {
            table[byte] = next
            next += 1
        }
        return table
    }()

    /// The inverse of `byteToScalar`: code point (0..<324) → byte, or -1 when the code point stands for no byte.
    static let scalarToByte: [Int16] = {
        var table: [Int16] = Array(repeating: -1, count: 324)
        for byte: Int in 0..<256 {
            table[Int(byteToScalar[byte])] = Int16(byte)
        }
        return table
    }()

    /// The byte-level string for raw bytes (what a vocabulary entry for those bytes looks like).
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var scalars: String.UnicodeScalarView = String.UnicodeScalarView()
        for byte: UInt8 in bytes {
            scalars.append(Unicode.Scalar(byteToScalar[Int(byte)])!)
        }
        return String(scalars)
    }

    /// The raw bytes a byte-level vocabulary entry stands for, or nil if it contains a code point outside
    /// the byte alphabet.
    static func decode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar: Unicode.Scalar in text.unicodeScalars {
            let value: Int = Int(scalar.value)
            guard value < scalarToByte.count, scalarToByte[value] >= 0 else { return nil }
            bytes.append(UInt8(scalarToByte[value]))
        }
        return bytes
    }
}
