import CSluiceKernels
import SluiceEngine

/// Random quantized weights for the kernels bench: valid f16 scales, random quants.
struct KernelMatrix {
    let type: GGUFTensorType
    let cols: Int
    let rows: Int
    let rowBytes: Int
    let data: UnsafeMutableRawPointer

    var blocksPerRow: Int { cols / 32 }

    init(type: GGUFTensorType, cols: Int, bytes: Int) {
        self.type = type
        self.cols = cols
        rowBytes = Int(sk_row_size(Int32(type.rawValue), Int64(cols)))
        rows = max(16, bytes / rowBytes / 16 * 16)
        data = .allocate(byteCount: rows * rowBytes, alignment: 64)
        var random: KernelRandom = KernelRandom(seed: 7)
        let bytes: UnsafeMutablePointer<UInt8> = data.assumingMemoryBound(to: UInt8.self)
        for i: Int in 0..<(rows * rowBytes) { bytes[i] = UInt8(truncatingIfNeeded: random.next()) }
        // Block headers: a positive scale (and, for Q4_1, a negative minimum) of moderate size.
        let blockBytes: Int = rowBytes / blocksPerRow
        for block: Int in 0..<(rows * blocksPerRow) {
            let header: UnsafeMutablePointer<UInt8> = bytes + block * blockBytes
            header[0] = UInt8(truncatingIfNeeded: random.next())
            header[1] = 0x20 | UInt8(random.next() & 7)
            if type == .q4_1 {
                header[2] = UInt8(truncatingIfNeeded: random.next())
                header[3] = 0xA0 | UInt8(random.next() & 7)
            }
        }
    }

    func deallocate() { data.deallocate() }

    /// All rows against all activation rows in one batched call per thread. With `check`, returns how many
    /// of a sample of results differ (in any bit) from the single dot product.
    @discardableResult
    func batched(_ x: KernelActivations, into out: UnsafeMutablePointer<Float>, pool: EngineThreadPool, check: Bool = true) -> Int {
        pool.run(chunks: pool.threadCount) { (_: Int, part: Int) in
            let range: Range<Int> = EngineThreadPool.chunk(rows, part: part, of: pool.threadCount, granularity: 16)
            sk_matmul(Int32(type.rawValue), data, Int64(cols), Int64(range.lowerBound), Int64(range.upperBound),
                      x.data, x.stride, Int64(x.count), out, Int64(rows))
        }
        guard check else { return 0 }
        var mismatches: Int = 0
        for sample: Int in 0..<2_000 {
            let row: Int = sample * 7_919 % rows
            let column: Int = sample % x.count
            let expected: Float = sk_vec_dot(Int32(type.rawValue), Int64(cols), data + row * rowBytes, x.data + column * x.stride, 1)
            if expected.bitPattern != out[column * rows + row].bitPattern { mismatches += 1 }
        }
        return mismatches
    }

    /// The same products as one one-row pass (the decode path) per activation row.
    func onePerRow(_ x: KernelActivations, into out: UnsafeMutablePointer<Float>, pool: EngineThreadPool) {
        pool.run(chunks: pool.threadCount) { (_: Int, part: Int) in
            let range: Range<Int> = EngineThreadPool.chunk(rows, part: part, of: pool.threadCount, granularity: 16)
            for column: Int in 0..<x.count {
                sk_matmul(Int32(type.rawValue), data, Int64(cols), Int64(range.lowerBound), Int64(range.upperBound),
                          x.data + column * x.stride, x.stride, 1, out + column * rows, Int64(rows))
            }
        }
    }
}

/// Quantized activation rows in the type a weight type multiplies with.
struct KernelActivations {
    let count: Int
    let stride: Int
    let data: UnsafeMutableRawPointer

    init(weightType: GGUFTensorType, cols: Int, count: Int) {
        self.count = count
        let dotType: Int32 = sk_vec_dot_type(Int32(weightType.rawValue))
        stride = Int(sk_row_size(dotType, Int64(cols)))
        data = .allocate(byteCount: stride * count, alignment: 64)
        var random: KernelRandom = KernelRandom(seed: UInt64(count) + 11)
        var row: [Float] = [Float](repeating: 0, count: cols)
        for j: Int in 0..<count {
            for i: Int in 0..<cols { row[i] = Float(Int(random.next() % 2_000) - 1_000) / 500 }
            sk_quantize_row(dotType, row, data + j * stride, Int64(cols))
        }
    }

    func deallocate() { data.deallocate() }
}

/// xorshift64: reproducible bench data without Foundation's generators.
struct KernelRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
