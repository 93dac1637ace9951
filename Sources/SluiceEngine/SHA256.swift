/// SHA-256 (FIPS 180-4), incremental. Used to verify downloaded model files.
public struct SHA256: Sendable {
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    private var state: [UInt32] = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]
    private var block: [UInt8] = []
    private var totalBytes: UInt64 = 0

    /// A fresh hash state.
    public init() {
        block.reserveCapacity(64)
    }

    /// Adds bytes to the message.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { (buffer: UnsafeBufferPointer<UInt8>) -> Void in
            update(buffer: buffer)
        }
        if handled == nil { update(buffer: Array(bytes)) }
    }

    private mutating func update(buffer: [UInt8]) {
        buffer.withUnsafeBufferPointer { (pointer: UnsafeBufferPointer<UInt8>) -> Void in update(buffer: pointer) }
    }

    private mutating func update(buffer: UnsafeBufferPointer<UInt8>) {
        totalBytes &+= UInt64(buffer.count)
        var offset: Int = 0
        if !block.isEmpty {
            let take: Int = min(64 - block.count, buffer.count)
            block.append(contentsOf: buffer[0..<take])
            offset = take
            if block.count == 64 {
                block.withUnsafeBufferPointer { (pointer: UnsafeBufferPointer<UInt8>) -> Void in
                    compress(pointer.baseAddress!)
                }
                block.removeAll(keepingCapacity: true)
            }
        }
        while buffer.count - offset >= 64 {
            compress(buffer.baseAddress! + offset)
            offset += 64
        }
        if offset < buffer.count { block.append(contentsOf: buffer[offset...]) }
    }

    /// The 32-byte digest of everything added so far.
    public func finalize() -> [UInt8] {
        var copy: SHA256 = self
        let bitLength: UInt64 = totalBytes &* 8
        var padding: [UInt8] = [0x80]
        let remainder: Int = (block.count + 1) % 64
        padding.append(contentsOf: repeatElement(0, count: remainder <= 56 ? 56 - remainder : 120 - remainder))
        for shift: UInt64 in stride(from: 56, through: 0, by: -8) { padding.append(UInt8(truncatingIfNeeded: bitLength >> shift)) }
        let length: UInt64 = copy.totalBytes
        copy.update(buffer: padding)
        copy.totalBytes = length
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        for word: UInt32 in copy.state {
            digest.append(contentsOf: [UInt8(word >> 24), UInt8((word >> 16) & 0xFF), UInt8((word >> 8) & 0xFF), UInt8(word & 0xFF)])
        }
        return digest
    }

    /// The digest as 64 lowercase hex digits.
    public func hexDigest() -> String {
        let digits: [Character] = Array("0123456789abcdef")
        var text: String = ""
        text.reserveCapacity(64)
        for byte: UInt8 in finalize() {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }

    /// The hex digest of one message.
    public static func hex<Bytes: Sequence>(of bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hasher: SHA256 = SHA256()
        hasher.update(bytes)
        return hasher.hexDigest()
    }

    @inline(__always)
    private static func rotateRight(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value >> count) | (value << (32 - count))
    }

    private mutating func compress(_ chunk: UnsafePointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { (words: UnsafeMutableBufferPointer<UInt32>) -> Void in
            compress(chunk, words: words)
        }
    }

    private mutating func compress(_ chunk: UnsafePointer<UInt8>, words: UnsafeMutableBufferPointer<UInt32>) {
        for index: Int in 0..<16 {
            words[index] = UInt32(chunk[index * 4]) << 24 | UInt32(chunk[index * 4 + 1]) << 16
                | UInt32(chunk[index * 4 + 2]) << 8 | UInt32(chunk[index * 4 + 3])
        }
        for index: Int in 16..<64 {
            let w15: UInt32 = words[index - 15]
            let w2: UInt32 = words[index - 2]
            let s0: UInt32 = Self.rotateRight(w15, 7) ^ Self.rotateRight(w15, 18) ^ (w15 >> 3)
            let s1: UInt32 = Self.rotateRight(w2, 17) ^ Self.rotateRight(w2, 19) ^ (w2 >> 10)
            words[index] = words[index - 16] &+ s0 &+ words[index - 7] &+ s1
        }
        var a: UInt32 = state[0]
        var b: UInt32 = state[1]
        var c: UInt32 = state[2]
        var d: UInt32 = state[3]
        var e: UInt32 = state[4]
        var f: UInt32 = state[5]
        var g: UInt32 = state[6]
        var h: UInt32 = state[7]
        for index: Int in 0..<64 {
            let sum1: UInt32 = Self.rotateRight(e, 6) ^ Self.rotateRight(e, 11) ^ Self.rotateRight(e, 25)
            let choice: UInt32 = (e & f) ^ (~e & g)
            let temp1: UInt32 = h &+ sum1 &+ choice &+ Self.roundConstants[index] &+ words[index]
            let sum0: UInt32 = Self.rotateRight(a, 2) ^ Self.rotateRight(a, 13) ^ Self.rotateRight(a, 22)
            let majority: UInt32 = (a & b) ^ (a & c) ^ (b & c)
            let temp2: UInt32 = sum0 &+ majority
            h = g
            g = f
            f = e
            e = d &+ temp1
            d = c
            c = b
            b = a
            a = temp1 &+ temp2
        }
        state[0] &+= a
        state[1] &+= b
        state[2] &+= c
        state[3] &+= d
        state[4] &+= e
        state[5] &+= f
        state[6] &+= g
        state[7] &+= h
    }
}
