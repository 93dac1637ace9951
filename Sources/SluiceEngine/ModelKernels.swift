import CSluiceKernels

/// Parallel building blocks of the forward pass: activation preparation and projections split by output rows.
extension InferenceEngine {
    /// RMS-normalizes (when `norm` is given) and quantizes `count` rows of `input` into `state.quantized`,
    /// in the activation type that `weightType` multiplies with. Returns the quantized row stride in bytes.
    func prepareActivations(
        _ input: UnsafeMutablePointer<Float>, cols: Int, count: Int, norm: [Float]?, normOutput: UnsafeMutablePointer<Float>?,
        for weightType: GGUFTensorType
    ) -> Int {
        let dotType: Int32 = sk_vec_dot_type(Int32(weightType.rawValue))
        let stride: Int = Int(sk_row_size(dotType, Int64(cols)))
        let quantized: UnsafeMutableRawPointer = state.quantized
        let eps: Float = config.rmsEps
        let body: (Range<Int>) -> Void = { (rows: Range<Int>) in
            for row: Int in rows {
                var source: UnsafeMutablePointer<Float> = input + row * cols
                if let norm: [Float] = norm, let normOutput: UnsafeMutablePointer<Float> = normOutput {
                    let target: UnsafeMutablePointer<Float> = normOutput + row * cols
                    norm.withUnsafeBufferPointer { sk_rmsnorm(source, $0.baseAddress, target, Int64(cols), eps) }
                    source = target
                }
                sk_quantize_row(dotType, source, quantized + row * stride, Int64(cols))
            }
        }
        if count == 1 { body(0..<1) } else { pool.parallelFor(count, body) }
        return stride
    }

    /// Computes `outputs[i] = activations · matrices[i]ᵀ` for up to three matrices sharing one quantized input
    /// (rows of `state.quantized`, `stride` bytes apart). Rows are cut into chunks claimed by the threads;
    /// when `second` has as many rows as `first`, a chunk computes the same rows of both, then runs
    /// `epilogue(rows)` on them (for fusing SiLU×up or the residual add).
    func project(
        _ first: (WeightMatrix, UnsafeMutablePointer<Float>),
        _ second: (WeightMatrix, UnsafeMutablePointer<Float>)? = nil,
        _ third: (WeightMatrix, UnsafeMutablePointer<Float>)? = nil,
        count: Int, stride: Int, epilogue: ((Range<Int>) -> Void)? = nil
    ) {
        let quantized: UnsafeMutableRawPointer = state.quantized
        let threads: Int = pool.threadCount
        let paired: Bool = second.map { $0.0.rows == first.0.rows } ?? false
        // Matrix-vector products (decode) are short and memory-bound: one contiguous row range per thread
        // streams best (measured on 2 threads: 1 chunk/thread ≈ +10% tg128 over 4, and 8 is worse still).
        // Batched products keep ~4 chunks per thread so a late thread's share can be taken over, in sizes
        // that taper off so that the region ends on a small chunk.
        let perThread: Int = count < 4 ? 1 : 4
        let rowsOf: (Int, Int, Int) -> Range<Int> = { (rows: Int, part: Int, parts: Int) -> Range<Int> in
            count < 4 ? EngineThreadPool.chunk(rows, part: part, of: parts, granularity: 16)
                : EngineThreadPool.taperedChunk(rows, part: part, of: parts, granularity: 16)
        }
        let firstChunks: Int = EngineThreadPool.chunkCount(first.0.rows, threads: threads, granularity: 16, perThread: perThread)
        let secondChunks: Int = (second == nil || paired) ? 0
            : EngineThreadPool.chunkCount(second!.0.rows, threads: threads, granularity: 16, perThread: perThread)
        let thirdChunks: Int = third == nil ? 0
            : EngineThreadPool.chunkCount(third!.0.rows, threads: threads, granularity: 16, perThread: perThread)
        pool.run(chunks: firstChunks + secondChunks + thirdChunks) { (_: Int, chunk: Int) in
            if chunk < firstChunks {
                let rows: Range<Int> = rowsOf(first.0.rows, chunk, firstChunks)
                Self.multiply(first.0, rows: rows, input: quantized, stride: stride, count: count, output: first.1)
                if paired, let second {
                    Self.multiply(second.0, rows: rows, input: quantized, stride: stride, count: count, output: second.1)
                }
                if let epilogue, !rows.isEmpty { epilogue(rows) }
            } else if chunk < firstChunks + secondChunks, let second {
                let rows: Range<Int> = rowsOf(second.0.rows, chunk - firstChunks, secondChunks)
                Self.multiply(second.0, rows: rows, input: quantized, stride: stride, count: count, output: second.1)
            } else if let third {
                let part: Int = chunk - firstChunks - secondChunks
                let rows: Range<Int> = rowsOf(third.0.rows, part, thirdChunks)
                Self.multiply(third.0, rows: rows, input: quantized, stride: stride, count: count, output: third.1)
            }
        }
    }

    static func multiply(
        _ matrix: WeightMatrix, rows: Range<Int>, input: UnsafeRawPointer, stride: Int, count: Int,
        output: UnsafeMutablePointer<Float>
    ) {
        guard !rows.isEmpty else { return }
        sk_matmul(
            Int32(matrix.type.rawValue), matrix.data, Int64(matrix.cols), Int64(rows.lowerBound), Int64(rows.upperBound),
            input, stride, Int64(count), output, Int64(matrix.rows))
    }

    /// Whether several matrices can share one quantized copy of their input.
    static func sameActivationType(_ a: WeightMatrix, _ b: WeightMatrix) -> Bool {
        sk_vec_dot_type(Int32(a.type.rawValue)) == sk_vec_dot_type(Int32(b.type.rawValue))
    }
}
