/// Scratch buffers for one forward pass of up to `maxBatch` tokens, allocated once.
final class RunState {
    let maxBatch: Int
    let maxLogitRows: Int
    /// Residual stream, `maxBatch x dim`.
    let x: UnsafeMutablePointer<Float>
    /// Normalized residual, `maxBatch x dim`.
    let xb: UnsafeMutablePointer<Float>
    /// Queries / keys / values, `maxBatch x qDim|kvDim`.
    let q: UnsafeMutablePointer<Float>
    let k: UnsafeMutablePointer<Float>
    let v: UnsafeMutablePointer<Float>
    /// Attention output, `maxBatch x qDim`.
    let attention: UnsafeMutablePointer<Float>
    /// Projection output before the residual add, `maxBatch x max(dim, qDim)`.
    let projection: UnsafeMutablePointer<Float>
    /// Feed-forward gate and up activations, `maxBatch x hiddenDim`.
    let gate: UnsafeMutablePointer<Float>
    let up: UnsafeMutablePointer<Float>
    /// Activations quantized for the integer dot products.
    let quantized: UnsafeMutableRawPointer
    let quantizedRowCapacity: Int
    /// Logits, `maxLogitRows x vocab`.
    let logits: UnsafeMutablePointer<Float>
    /// Per-thread attention score scratch, `threads x contextLength`.
    let scores: UnsafeMutablePointer<Float>
    /// RoPE cos/sin cache per batch entry, `maxBatch x ropeDims`.
    let rope: UnsafeMutablePointer<Float>
    private var allocations: [UnsafeMutablePointer<Float>] = []

    init(config: ModelConfig, maxBatch: Int, maxLogitRows: Int, threads: Int, contextLength: Int) {
        self.maxBatch = maxBatch
        self.maxLogitRows = maxLogitRows
        var owned: [UnsafeMutablePointer<Float>] = []
        // Float is trivial: buffers are written before being read, and untouched pages cost no RSS.
        func make(_ count: Int) -> UnsafeMutablePointer<Float> {
            let pointer: UnsafeMutablePointer<Float> = .allocate(capacity: max(count, 1))
            owned.append(pointer)
            return pointer
        }
        let widest: Int = max(config.dim, config.qDim, config.hiddenDim)
        x = make(maxBatch * config.dim)
        xb = make(maxBatch * config.dim)
        q = make(maxBatch * config.qDim)
        k = make(maxBatch * config.kvDim)
        v = make(maxBatch * config.kvDim)
        attention = make(maxBatch * config.qDim)
        projection = make(maxBatch * max(config.dim, config.qDim))
        gate = make(maxBatch * config.hiddenDim)
        up = make(maxBatch * config.hiddenDim)
        logits = make(maxLogitRows * config.vocabSize)
        scores = make(threads * contextLength)
        rope = make(maxBatch * config.ropeDims)
        // Float activations are the widest encoding (4 bytes per element); quantized rows are smaller.
        quantizedRowCapacity = widest * 4
        quantized = UnsafeMutableRawPointer.allocate(byteCount: maxBatch * quantizedRowCapacity, alignment: 64)
        allocations = owned
    }

    deinit {
        for pointer: UnsafeMutablePointer<Float> in allocations { pointer.deallocate() }
        quantized.deallocate()
    }
}
