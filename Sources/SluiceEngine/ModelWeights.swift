import CSluiceKernels

/// A weight matrix inside the mapped model file: `rows` rows of `cols` elements of `type`.
public struct WeightMatrix: @unchecked Sendable {
    public let name: String
    public let type: GGUFTensorType
    public let rows: Int
    public let cols: Int
    /// Start of the row-major quantized data (lives in the GGUFFile mapping or a buffer owned by the model).
    public let data: UnsafeRawPointer

    /// Bytes per row.
    public var rowBytes: Int { type.rowBytes(cols) }

    /// Dequantizes row `index` into `out` (`cols` floats).
    func dequantizeRow(_ index: Int, into out: UnsafeMutablePointer<Float>) {
        _ = sk_dequantize_row(Int32(type.rawValue), data + index * rowBytes, out, Int64(cols))
    }
}

/// One transformer block's weights.
struct LayerWeights {
    let attentionNorm: [Float]
    let wq: WeightMatrix
    let wk: WeightMatrix
    let wv: WeightMatrix
    let wo: WeightMatrix
    let bq: [Float]?
    let bk: [Float]?
    let bv: [Float]?
    let qNorm: [Float]?
    let kNorm: [Float]?
    let ffnNorm: [Float]
    let gate: WeightMatrix
    let up: WeightMatrix
    let down: WeightMatrix
}

/// All weights of a decoder-only model.
struct ModelWeights {
    let tokenEmbedding: WeightMatrix
    let layers: [LayerWeights]
    let outputNorm: [Float]
    /// The LM head; `token_embd.weight` when the model ties embeddings.
    let output: WeightMatrix

    /// Binds the tensors of `file` named the ggml way (`blk.N.attn_q.weight`, ...).
    init(file: GGUFFile, config: ModelConfig) throws(GGUFError) {
        let c: ModelConfig = config
        tokenEmbedding = try Self.matrix(file, "token_embd.weight", rows: c.vocabSize, cols: c.dim)
        outputNorm = try Self.vector(file, "output_norm.weight", count: c.dim)
        if file.tensors["output.weight"] != nil {
            output = try Self.matrix(file, "output.weight", rows: c.vocabSize, cols: c.dim)
        } else {
            output = tokenEmbedding
        }
        var layers: [LayerWeights] = []
        for index: Int in 0..<c.layerCount {
            let p: String = "blk.\(index)."
            let bias: Bool = c.traits.projectionBias
            let norm: Bool = c.traits.queryKeyNorm
            layers.append(
                LayerWeights(
                    attentionNorm: try Self.vector(file, p + "attn_norm.weight", count: c.dim),
                    wq: try Self.matrix(file, p + "attn_q.weight", rows: c.qDim, cols: c.dim),
                    wk: try Self.matrix(file, p + "attn_k.weight", rows: c.kvDim, cols: c.dim),
                    wv: try Self.matrix(file, p + "attn_v.weight", rows: c.kvDim, cols: c.dim),
                    wo: try Self.matrix(file, p + "attn_output.weight", rows: c.dim, cols: c.qDim),
                    bq: bias ? try Self.vector(file, p + "attn_q.bias", count: c.qDim) : nil,
                    bk: bias ? try Self.vector(file, p + "attn_k.bias", count: c.kvDim) : nil,
                    bv: bias ? try Self.vector(file, p + "attn_v.bias", count: c.kvDim) : nil,
                    qNorm: norm ? try Self.vector(file, p + "attn_q_norm.weight", count: c.headDim) : nil,
                    kNorm: norm ? try Self.vector(file, p + "attn_k_norm.weight", count: c.headDim) : nil,
                    ffnNorm: try Self.vector(file, p + "ffn_norm.weight", count: c.dim),
                    gate: try Self.matrix(file, p + "ffn_gate.weight", rows: c.hiddenDim, cols: c.dim),
                    up: try Self.matrix(file, p + "ffn_up.weight", rows: c.hiddenDim, cols: c.dim),
                    down: try Self.matrix(file, p + "ffn_down.weight", rows: c.dim, cols: c.hiddenDim)))
        }
        self.layers = layers
    }

    private static func matrix(_ file: GGUFFile, _ name: String, rows: Int, cols: Int) throws(GGUFError) -> WeightMatrix {
        guard let info: GGUFTensorInfo = file.tensors[name] else { throw GGUFError.missingTensor(name) }
        guard info.type.isComputeSupported else {
            throw GGUFError.unsupportedTensor(tensor: name, reason: "type \(info.type) is not supported by the engine")
        }
        guard info.dimensions.count <= 2, info.rowLength == cols, info.rowCount == rows else {
            throw GGUFError.unsupportedTensor(tensor: name, reason: "shape \(info.dimensions), expected [\(cols), \(rows)]")
        }
        guard let base: UnsafeRawPointer = file.tensorData(info).baseAddress else { throw GGUFError.missingTensor(name) }
        return WeightMatrix(name: name, type: info.type, rows: rows, cols: cols, data: base)
    }

    private static func vector(_ file: GGUFFile, _ name: String, count: Int) throws(GGUFError) -> [Float] {
        guard let info: GGUFTensorInfo = file.tensors[name] else { throw GGUFError.missingTensor(name) }
        guard info.elementCount == count, info.type.isComputeSupported else {
            throw GGUFError.unsupportedTensor(tensor: name, reason: "expected \(count) elements of a float type")
        }
        let bytes: UnsafeRawBufferPointer = file.tensorData(info)
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = sk_dequantize_row(Int32(info.type.rawValue), bytes.baseAddress, buffer.baseAddress, Int64(count))
            initialized = count
        }
    }
}
