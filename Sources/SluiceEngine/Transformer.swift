import CSluiceKernels

/// The decoder-only transformer forward pass shared by the llama, qwen2 and qwen3 families.
///
/// For each chunk of batch entries: embed → for each block [RMSNorm → q/k/v projections (+bias) →
/// (q/k norm) → RoPE → append k/v to the paged cache → causal attention → output projection + residual →
/// RMSNorm → SwiGLU feed-forward + residual] → final RMSNorm → LM head for entries that want logits.
/// Projections run as batched quantized matmuls split by output rows over the engine's threads.
extension InferenceEngine {
    func forwardChunk(_ batch: ArraySlice<BatchToken>, firstLogitRow: Int) -> Int {
        let c: ModelConfig = config
        let n: Int = batch.count
        let entries: [BatchToken] = Array(batch)
        let s: RunState = state

        // Token embeddings and each entry's RoPE cos/sin table (shared by all layers).
        for (b, entry) in entries.enumerated() {
            weights.tokenEmbedding.dequantizeRow(Int(entry.token), into: s.x + b * c.dim)
            sk_rope_cache(s.rope + b * c.ropeDims, Int64(c.ropeDims), Int64(entry.position), c.ropeTheta)
        }

        for (index, layer) in weights.layers.enumerated() {
            attentionBlock(layer: layer, index: index, entries: entries)
            feedForwardBlock(layer: layer, count: n)
        }

        // Final norm and LM head, only for entries that asked for logits.
        var rows: Int = 0
        for (b, entry) in entries.enumerated() where entry.wantsLogits {
            (s.x + rows * c.dim).update(from: s.x + b * c.dim, count: c.dim)
            rows += 1
        }
        guard rows > 0 else { return 0 }
        let stride: Int = prepareActivations(
            s.x, cols: c.dim, count: rows, norm: weights.outputNorm, normOutput: s.xb, for: weights.output.type)
        project((weights.output, s.logits + firstLogitRow * c.vocabSize), count: rows, stride: stride)
        return rows
    }

    /// Pre-norm attention sub-block: `x += Wo · attention(norm(x))`.
    private func attentionBlock(layer: LayerWeights, index: Int, entries: [BatchToken]) {
        let c: ModelConfig = config
        let s: RunState = state
        let n: Int = entries.count

        // q, k, v projections from one quantized copy of norm(x) when the weight types allow it.
        var stride: Int = prepareActivations(s.x, cols: c.dim, count: n, norm: layer.attentionNorm, normOutput: s.xb, for: layer.wq.type)
        if Self.sameActivationType(layer.wq, layer.wk) && Self.sameActivationType(layer.wq, layer.wv) {
            project((layer.wq, s.q), (layer.wk, s.k), (layer.wv, s.v), count: n, stride: stride)
        } else {
            project((layer.wq, s.q), count: n, stride: stride)
            stride = prepareActivations(s.xb, cols: c.dim, count: n, norm: nil, normOutput: nil, for: layer.wk.type)
            project((layer.wk, s.k), count: n, stride: stride)
            stride = prepareActivations(s.xb, cols: c.dim, count: n, norm: nil, normOutput: nil, for: layer.wv.type)
            project((layer.wv, s.v), count: n, stride: stride)
        }

        // Biases (qwen2), per-head q/k RMSNorm (qwen3), RoPE, then append k/v to the cache as f16. Entries
        // touch disjoint rows and cache slots, so a batch spreads them over the threads (on the calling
        // thread alone this was ~3 % of an 8-stream decode step, with the other threads idle).
        let neox: Int32 = c.traits.ropeStyle == .halfSplit ? 1 : 0
        let layerOffset: Int = index * cache.layerStride
        let prepare: (Range<Int>) -> Void = { (range: Range<Int>) in
            for b: Int in range {
                let entry: BatchToken = entries[b]
                let q: UnsafeMutablePointer<Float> = s.q + b * c.qDim
                let k: UnsafeMutablePointer<Float> = s.k + b * c.kvDim
                let v: UnsafeMutablePointer<Float> = s.v + b * c.kvDim
                if let bq = layer.bq, let bk = layer.bk, let bv = layer.bv {
                    bq.withUnsafeBufferPointer { sk_add(q, $0.baseAddress, Int64(c.qDim)) }
                    bk.withUnsafeBufferPointer { sk_add(k, $0.baseAddress, Int64(c.kvDim)) }
                    bv.withUnsafeBufferPointer { sk_add(v, $0.baseAddress, Int64(c.kvDim)) }
                }
                if let qNorm = layer.qNorm, let kNorm = layer.kNorm {
                    qNorm.withUnsafeBufferPointer { w in
                        for h: Int in 0..<c.headCount { sk_rmsnorm(q + h * c.headDim, w.baseAddress, q + h * c.headDim, Int64(c.headDim), c.rmsEps) }
                    }
                    kNorm.withUnsafeBufferPointer { w in
                        for h: Int in 0..<c.kvHeadCount { sk_rmsnorm(k + h * c.headDim, w.baseAddress, k + h * c.headDim, Int64(c.headDim), c.rmsEps) }
                    }
                }
                let rope: UnsafeMutablePointer<Float> = s.rope + b * c.ropeDims
                sk_rope_apply(q, rope, Int64(c.headCount), Int64(c.headDim), Int64(c.ropeDims), neox)
                sk_rope_apply(k, rope, Int64(c.kvHeadCount), Int64(c.headDim), Int64(c.ropeDims), neox)
                let slot: Int = layerOffset + self.cache.slotOffset(entry.sequence, position: entry.position)
                sk_fp32_to_fp16_row(k, self.cache.keys + slot, Int64(c.kvDim))
                sk_fp32_to_fp16_row(v, self.cache.values + slot, Int64(c.kvDim))
            }
        }
        if n == 1 { prepare(0..<1) } else { pool.parallelFor(n, prepare) }

        // Causal attention, one (entry, head) pair per chunk; scratch is per thread.
        let groupSize: Int = c.headCount / c.kvHeadCount
        let scale: Float = 1 / Float(c.headDim).squareRoot()
        let keys: UnsafeMutablePointer<UInt16> = cache.keys + layerOffset
        let values: UnsafeMutablePointer<UInt16> = cache.values + layerOffset
        let scoresStride: Int = contextLength
        pool.run(chunks: n * c.headCount) { (thread: Int, item: Int) in
            let b: Int = item / c.headCount
            let h: Int = item % c.headCount
            let entry: BatchToken = entries[b]
            sk_attention_head(
                s.q + b * c.qDim + h * c.headDim, keys, values, self.cache.blockTable(entry.sequence),
                Int64(self.cache.blockSize), Int64(c.kvDim), Int64((h / groupSize) * c.headDim), Int64(c.headDim),
                Int64(entry.position + 1), scale, s.scores + thread * scoresStride, s.attention + b * c.qDim + h * c.headDim)
        }

        // Output projection; each thread adds its own output rows into the residual stream.
        stride = prepareActivations(s.attention, cols: c.qDim, count: n, norm: nil, normOutput: nil, for: layer.wo.type)
        project((layer.wo, s.projection), count: n, stride: stride) { (rows: Range<Int>) in
            for b: Int in 0..<n {
                sk_add(s.x + b * c.dim + rows.lowerBound, s.projection + b * c.dim + rows.lowerBound, Int64(rows.count))
            }
        }
    }

    /// Pre-norm SwiGLU feed-forward sub-block: `x += Wdown · (silu(Wgate · norm(x)) * (Wup · norm(x)))`.
    private func feedForwardBlock(layer: LayerWeights, count n: Int) {
        let c: ModelConfig = config
        let s: RunState = state
        var stride: Int = prepareActivations(s.x, cols: c.dim, count: n, norm: layer.ffnNorm, normOutput: s.xb, for: layer.gate.type)
        if Self.sameActivationType(layer.gate, layer.up) && layer.gate.rows == layer.up.rows {
            // gate and up are split identically, so each thread can apply SiLU×up to the rows it produced.
            project((layer.gate, s.gate), (layer.up, s.up), count: n, stride: stride) { (rows: Range<Int>) in
                for b: Int in 0..<n {
                    let offset: Int = b * c.hiddenDim + rows.lowerBound
                    sk_silu_mul(s.gate + offset, s.up + offset, Int64(rows.count))
                }
            }
        } else {
            project((layer.gate, s.gate), count: n, stride: stride)
            stride = prepareActivations(s.xb, cols: c.dim, count: n, norm: nil, normOutput: nil, for: layer.up.type)
            project((layer.up, s.up), count: n, stride: stride)
            for b: Int in 0..<n { sk_silu_mul(s.gate + b * c.hiddenDim, s.up + b * c.hiddenDim, Int64(c.hiddenDim)) }
        }
        stride = prepareActivations(s.gate, cols: c.hiddenDim, count: n, norm: nil, normOutput: nil, for: layer.down.type)
        project((layer.down, s.projection), count: n, stride: stride) { (rows: Range<Int>) in
            for b: Int in 0..<n {
                sk_add(s.x + b * c.dim + rows.lowerBound, s.projection + b * c.dim + rows.lowerBound, Int64(rows.count))
            }
        }
    }
}
