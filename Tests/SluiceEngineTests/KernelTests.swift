import CSluiceKernels
import Foundation
import Testing

@testable import SluiceEngine

/// Bytes of a little-endian half.
private func half(_ value: Float) -> [UInt8] {
    let bits: UInt16 = sk_fp32_to_fp16(value)
    return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
}

private func dequantize(_ type: GGUFTensorType, _ bytes: [UInt8], count: Int) -> [Float] {
    var out: [Float] = [Float](repeating: .nan, count: count)
    let status: Int32 = bytes.withUnsafeBytes { raw in
        out.withUnsafeMutableBufferPointer { sk_dequantize_row(Int32(type.rawValue), raw.baseAddress, $0.baseAddress, Int64(count)) }
    }
    #expect(status == 0)
    return out
}

private func quantize(_ type: Int32, _ x: [Float]) -> [UInt8] {
    var out: [UInt8] = [UInt8](repeating: 0, count: Int(sk_row_size(type, Int64(x.count))))
    x.withUnsafeBufferPointer { src in out.withUnsafeMutableBytes { sk_quantize_row(type, src.baseAddress, $0.baseAddress, Int64(x.count)) } }
    return out
}

/// Deterministic pseudo-random bytes / floats.
private struct Noise {
    var random: SamplerRandom
    init(_ seed: UInt64) { random = SamplerRandom(seed: seed) }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
    mutating func floats(_ count: Int, scale: Float = 1) -> [Float] { (0..<count).map { _ in (random.nextUnitFloat() * 2 - 1) * scale } }
}

/// Random but valid blocks: scales are replaced by sane halves so values stay finite.
private func randomBlocks(_ type: GGUFTensorType, blocks: Int, noise: inout Noise) -> [UInt8] {
    var bytes: [UInt8] = noise.bytes(blocks * type.blockBytes)
    for b: Int in 0..<blocks {
        let base: Int = b * type.blockBytes
        let scale: [UInt8] = half(0.01 + noise.random.nextUnitFloat() * 0.02)
        let offset: [UInt8] = half(-0.05 + noise.random.nextUnitFloat() * 0.1)
        switch type {
        case .q4_0, .q5_0, .q8_0: bytes.replaceSubrange(base..<base + 2, with: scale)
        case .q4_1, .q5_1, .q4_K:
            bytes.replaceSubrange(base..<base + 2, with: scale)
            bytes.replaceSubrange(base + 2..<base + 4, with: type == .q4_K ? half(0.003) : offset)
        case .q6_K: bytes.replaceSubrange(base + 208..<base + 210, with: scale)
        default: break
        }
    }
    return bytes
}

@Suite struct KernelTests {
    @Test func halfConversionRoundTrips() {
        for value: Float in [0, 1, -2.5, 65504, 0.000061035156, -0.1] {
            #expect(abs(sk_fp16_to_fp32(sk_fp32_to_fp16(value)) - value) <= abs(value) * 0.001)
        }
        #expect(sk_fp32_to_fp16(1) == 0x3C00)
        #expect(sk_fp16_to_fp32(0xC000) == -2)
    }

    @Test func dequantizesHandBuiltQ4AndQ8Blocks() {
        // Q4_0: d = 0.5, nibble j low = j % 16 → (q - 8) * d.
        var q40: [UInt8] = half(0.5)
        q40 += (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }
        let v40: [Float] = dequantize(.q4_0, q40, count: 32)
        #expect(v40[0] == -4 && v40[3] == -2.5 && v40[16] == 3.5 && v40[31] == -4)
        // Q4_1: d = 0.25, m = 1 → q * d + m.
        var q41: [UInt8] = half(0.25) + half(1)
        q41 += (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }
        let v41: [Float] = dequantize(.q4_1, q41, count: 32)
        #expect(v41[0] == 1 && v41[15] == 4.75 && v41[16] == 4.75 && v41[31] == 1)
        // Q8_0: d = 0.125, q = j - 16.
        let q80: [UInt8] = half(0.125) + (0..<32).map { UInt8(bitPattern: Int8($0 - 16)) }
        let v80: [Float] = dequantize(.q8_0, q80, count: 32)
        #expect(v80[0] == -2 && v80[16] == 0 && v80[31] == 1.875)
    }

    @Test func dequantizesHandBuiltQ5Blocks() {
        // Q5_0: qs all 0x11 (low = high = 1), qh bit j set for even j → element j gets +16.
        let qh: UInt32 = 0x5555_5555
        var q50: [UInt8] = half(1)
        q50 += [UInt8(qh & 0xFF), UInt8((qh >> 8) & 0xFF), UInt8((qh >> 16) & 0xFF), UInt8(qh >> 24)]
        q50 += [UInt8](repeating: 0x11, count: 16)
        let v50: [Float] = dequantize(.q5_0, q50, count: 32)
        #expect(v50[0] == 1 && v50[1] == -15 && v50[16] == 1 && v50[17] == -15)
        var q51: [UInt8] = half(2) + half(-3)
        q51 += [UInt8(qh & 0xFF), UInt8((qh >> 8) & 0xFF), UInt8((qh >> 16) & 0xFF), UInt8(qh >> 24)]
        q51 += [UInt8](repeating: 0x11, count: 16)
        let v51: [Float] = dequantize(.q5_1, q51, count: 32)
        #expect(v51[0] == 31 && v51[1] == -1)
    }

    @Test func dequantizesHandBuiltKQuantBlocks() {
        // Q4_K: d = 1, dmin = 0.5; scales[0..3] = 2 (sub-blocks 0-3 scale 2), scales[4..7] = 1 (mins 1);
        // scales[8..11] = 0x31 → sub-blocks 4-7 scale 1 (low nibble), min 3 (high nibble).
        var q4k: [UInt8] = half(1) + half(0.5)
        q4k += [2, 2, 2, 2, 1, 1, 1, 1, 0x31, 0x31, 0x31, 0x31]
        q4k += [UInt8](repeating: 0x53, count: 128)  // low nibble 3, high nibble 5
        let v4k: [Float] = dequantize(.q4_K, q4k, count: 256)
        #expect(v4k[0] == 2 * 3 - 0.5)  // sub-block 0: d*2*3 - dmin*1
        #expect(v4k[32] == 2 * 5 - 0.5)  // sub-block 1 uses the high nibbles
        #expect(v4k[128] == 1 * 3 - 1.5)  // sub-block 4: scale 1, min 3
        // Q6_K: ql = 0x21 (low 1, high 2), qh = 0 → q = 1 - 32 or 2 - 32; scales[i] = i + 1; d = 0.5.
        var q6k: [UInt8] = [UInt8](repeating: 0x21, count: 128) + [UInt8](repeating: 0, count: 64)
        q6k += (0..<16).map { UInt8($0 + 1) }
        q6k += half(0.5)
        let v6k: [Float] = dequantize(.q6_K, q6k, count: 256)
        #expect(v6k[0] == 0.5 * 1 * -31)  // scale index 0
        #expect(v6k[16] == 0.5 * 2 * -31)  // scale index 1
        #expect(v6k[64] == 0.5 * 5 * -30)  // high nibble, scale index 4
    }

    @Test func dequantizesFloatTypes() {
        let f16: [UInt8] = half(1.5) + half(-2)
        #expect(dequantize(.f16, f16, count: 2) == [1.5, -2])
        let bf16: [UInt8] = [0x80, 0x3F, 0x00, 0xC0]  // 1.0, -2.0
        #expect(dequantize(.bf16, bf16, count: 2) == [1, -2])
        #expect(sk_dequantize_row(Int32(GGUFTensorType.q2_K.rawValue), nil, nil, 0) == -1)
    }

    @Test func quantizedDotProductsMatchFloatReference() {
        var noise: Noise = Noise(7)
        let types: [GGUFTensorType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q6_K, .f16, .f32, .bf16]
        let n: Int = 512
        for type: GGUFTensorType in types {
            let weights: [UInt8] = type.blockSize == 1 ? floatBytes(type, noise.floats(n, scale: 0.1)) : randomBlocks(type, blocks: n / type.blockSize, noise: &noise)
            let x: [Float] = noise.floats(n)
            let dotType: Int32 = sk_vec_dot_type(Int32(type.rawValue))
            let xq: [UInt8] = quantize(dotType, x)
            let w: [Float] = dequantize(type, weights, count: n)
            let xd: [Float] = dotType == Int32(SK_TYPE_F32) ? x : dequantizeActivations(dotType, xq, count: n)
            var reference: Double = 0
            for i: Int in 0..<n { reference += Double(w[i]) * Double(xd[i]) }
            let simd: Float = weights.withUnsafeBytes { wb in xq.withUnsafeBytes { sk_vec_dot(Int32(type.rawValue), Int64(n), wb.baseAddress, $0.baseAddress, 1) } }
            let scalar: Float = weights.withUnsafeBytes { wb in xq.withUnsafeBytes { sk_vec_dot(Int32(type.rawValue), Int64(n), wb.baseAddress, $0.baseAddress, 0) } }
            let tolerance: Double = 1e-3 * max(1, abs(reference))
            #expect(abs(Double(simd) - reference) < tolerance, "\(type) simd \(simd) vs \(reference)")
            #expect(abs(Double(scalar) - reference) < tolerance, "\(type) scalar \(scalar) vs \(reference)")
        }
    }

    @Test func matmulTilesEqualSingleDots() {
        var noise: Noise = Noise(11)
        // 7 x 6: a decode tile, a short batched group and odd tails (Q4_0 and Q6_K take the plain dots);
        // 37 x 9: three row tiles of the batched kernel, an odd last row, a group of 8 and one of 1.
        let shapes: [(GGUFTensorType, Int, Int)] = [
            (.q4_1, 7, 6), (.q8_0, 7, 6), (.q4_0, 7, 6), (.q6_K, 7, 6), (.q4_1, 37, 9), (.q8_0, 37, 9),
            // Every group size of the batched kernel, 2 to 8, and past one group: 8 + 5, 8 + 8 + 3.
            (.q4_1, 21, 2), (.q8_0, 21, 3), (.q4_1, 21, 4), (.q8_0, 21, 5), (.q4_1, 37, 7), (.q8_0, 37, 8),
            (.q4_1, 21, 13), (.q8_0, 21, 19), (.q4_1, 19, 8),
        ]
        for (type, rows, nx): (GGUFTensorType, Int, Int) in shapes {
            let cols: Int = 256
            let rowBytes: Int = type.rowBytes(cols)
            let weights: [UInt8] = randomBlocks(type, blocks: rows * cols / type.blockSize, noise: &noise)
            let dotType: Int32 = sk_vec_dot_type(Int32(type.rawValue))
            let stride: Int = Int(sk_row_size(dotType, Int64(cols)))
            var xq: [UInt8] = []
            for _ in 0..<nx { xq += quantize(dotType, noise.floats(cols)) }
            for count: Int in [1, nx] {
                var out: [Float] = [Float](repeating: .nan, count: count * rows)
                weights.withUnsafeBytes { wb in
                    xq.withUnsafeBytes { xb in
                        out.withUnsafeMutableBufferPointer { o in
                            // In two row ranges, as two threads split a matrix (the second not at a tile boundary).
                            let split: Int = rows / 2 + 1
                            for (begin, end): (Int, Int) in [(0, split), (split, rows)] {
                                sk_matmul(Int32(type.rawValue), wb.baseAddress, Int64(cols), Int64(begin), Int64(end), xb.baseAddress, stride, Int64(count), o.baseAddress, Int64(rows))
                            }
                        }
                    }
                }
                for j: Int in 0..<count {
                    for r: Int in 0..<rows {
                        let expected: Float = weights.withUnsafeBytes { wb in
                            xq.withUnsafeBytes { sk_vec_dot(Int32(type.rawValue), Int64(cols), wb.baseAddress! + r * rowBytes, $0.baseAddress! + j * stride, 1) }
                        }
                        #expect(out[j * rows + r] == expected, "\(type) row \(r) col \(j)")
                    }
                }
            }
        }
    }

    @Test func rmsNormSiluAndSoftmax() {
        let x: [Float] = [1, -2, 3, -4]
        var out: [Float] = [0, 0, 0, 0]
        sk_rmsnorm(x, [1, 1, 2, 2], &out, 4, 1e-5)
        let rms: Float = (30 / 4 + 1e-5 as Float).squareRoot()
        #expect(abs(out[0] - 1 / rms) < 1e-5 && abs(out[3] + 8 / rms) < 1e-5)
        var gate: [Float] = (0..<11).map { Float($0) - 5 }
        let up: [Float] = [Float](repeating: 2, count: 11)
        sk_silu_mul(&gate, up, 11)
        for i: Int in 0..<11 {
            let g: Float = Float(i) - 5
            #expect(abs(gate[i] - 2 * g / (1 + expf(-g))) < 1e-5)
        }
        var logits: [Float] = [1, 2, 3]
        let lse: Float = sk_softmax(&logits, 3)
        #expect(abs(logits.reduce(0, +) - 1) < 1e-6)
        #expect(abs(lse - logf(expf(1) + expf(2) + expf(3))) < 1e-5)
        #expect(abs(sk_logsumexp([1, 2, 3], 3) - lse) < 1e-6)
    }

    @Test("logsumexp over a vocabulary agrees with a double-precision reference")
    func logsumexpOverAVocabulary() {
        var generator = SamplerRandom(seed: 7)
        for (count, spread) in [(49_157, Float(30)), (151_936, Float(200)), (15, Float(5)), (8, Float(1))] {
            var logits: [Float] = (0..<count).map { _ in generator.nextUnitFloat() * 2 * spread - spread }
            logits[count / 2] = -.infinity
            logits[count - 1] = spread + 3
            let maximum: Double = Double(logits.max()!)
            let reference: Double = maximum + log(logits.reduce(0.0) { $0 + exp(Double($1) - maximum) })
            let value: Float = sk_logsumexp(logits, Int64(count))
            #expect(abs(Double(value) - reference) < 1e-5 * max(1, abs(reference)), "n=\(count): \(value) vs \(reference)")
        }
        let empty: [Float] = [-.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity]
        #expect(sk_logsumexp(empty, 9) == -.infinity)
    }

    @Test func ropePairsAdjacentOrHalfSplit() {
        // Position 1, one head of 4 dims, base 10000: pair 0 rotates by 1 rad, pair 1 by 0.01 rad.
        var adjacent: [Float] = [1, 0, 1, 0]
        sk_rope(&adjacent, 1, 4, 4, 1, 10000, 0)
        #expect(abs(adjacent[0] - cosf(1)) < 1e-6 && abs(adjacent[1] - sinf(1)) < 1e-6)
        #expect(abs(adjacent[2] - cosf(0.01)) < 1e-6 && abs(adjacent[3] - sinf(0.01)) < 1e-6)
        var halves: [Float] = [1, 1, 0, 0]
        sk_rope(&halves, 1, 4, 4, 1, 10000, 1)
        #expect(abs(halves[0] - cosf(1)) < 1e-6 && abs(halves[2] - sinf(1)) < 1e-6)
        #expect(abs(halves[1] - cosf(0.01)) < 1e-6 && abs(halves[3] - sinf(0.01)) < 1e-6)
        var still: [Float] = [3, 4, 5, 6]
        sk_rope(&still, 1, 4, 4, 0, 10000, 0)
        #expect(still == [3, 4, 5, 6])
    }

    @Test func attentionMatchesNaiveSoftmax() {
        var noise: Noise = Noise(3)
        let dim: Int = 64
        let keys: Int = 40
        let blockSize: Int = 16
        let table: [Int32] = [2, 0, 1]  // paged: positions 0-15 live in block 2, ...
        let kf: [Float] = noise.floats(keys * dim)
        let vf: [Float] = noise.floats(keys * dim)
        var kc: [UInt16] = [UInt16](repeating: 0, count: 3 * blockSize * dim)
        var vc: [UInt16] = kc
        for t: Int in 0..<keys {
            let slot: Int = Int(table[t / blockSize]) * blockSize + t % blockSize
            for i: Int in 0..<dim {
                kc[slot * dim + i] = sk_fp32_to_fp16(kf[t * dim + i])
                vc[slot * dim + i] = sk_fp32_to_fp16(vf[t * dim + i])
            }
        }
        let q: [Float] = noise.floats(dim)
        var scores: [Float] = [Float](repeating: 0, count: keys)
        var out: [Float] = [Float](repeating: 0, count: dim)
        sk_attention_head(q, kc, vc, table, Int64(blockSize), Int64(dim), 0, Int64(dim), Int64(keys), 0.125, &scores, &out)
        var s: [Double] = (0..<keys).map { t in (0..<dim).reduce(0.0) { $0 + Double(q[$1]) * Double(kf[t * dim + $1]) } * 0.125 }
        let m: Double = s.max()!
        s = s.map { exp($0 - m) }
        let total: Double = s.reduce(0, +)
        for i: Int in 0..<dim {
            let expected: Double = (0..<keys).reduce(0.0) { $0 + s[$1] / total * Double(vf[$1 * dim + i]) }
            #expect(abs(Double(out[i]) - expected) < 5e-3, "dim \(i)")
        }
    }
}

private func floatBytes(_ type: GGUFTensorType, _ values: [Float]) -> [UInt8] {
    switch type {
    case .f32: return values.withUnsafeBytes { Array($0) }
    case .f16: return values.flatMap { half($0) }
    default: return values.flatMap { value -> [UInt8] in
        let bits: UInt16 = UInt16(value.bitPattern >> 16)
        return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
    }
    }
}

/// Dequantizes Q8_0 / Q8_1 / Q8_K activations (test-only helper).
private func dequantizeActivations(_ type: Int32, _ bytes: [UInt8], count: Int) -> [Float] {
    var out: [Float] = []
    bytes.withUnsafeBytes { raw in
        if type == Int32(SK_TYPE_Q8_K) {
            for b: Int in 0..<count / 256 {
                let base: UnsafeRawPointer = raw.baseAddress! + b * 292
                let d: Float = base.loadUnaligned(as: Float.self)
                for i: Int in 0..<256 { out.append(d * Float(Int8(bitPattern: base.load(fromByteOffset: 4 + i, as: UInt8.self)))) }
            }
        } else {
            let blockBytes: Int = type == Int32(SK_TYPE_Q8_1) ? 36 : 34
            let offset: Int = type == Int32(SK_TYPE_Q8_1) ? 4 : 2
            for b: Int in 0..<count / 32 {
                let base: UnsafeRawPointer = raw.baseAddress! + b * blockBytes
                let d: Float = sk_fp16_to_fp32(base.loadUnaligned(as: UInt16.self))
                for i: Int in 0..<32 { out.append(d * Float(Int8(bitPattern: base.load(fromByteOffset: offset + i, as: UInt8.self)))) }
            }
        }
    }
    return out
}
