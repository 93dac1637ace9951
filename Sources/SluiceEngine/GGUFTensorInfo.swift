/// Where one tensor lives in a GGUF file and how it is laid out.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// Tensor name, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// ggml dimensions, innermost first: `dimensions[0]` is the row length.
    public let dimensions: [Int]
    /// Element type.
    public let type: GGUFTensorType
    /// Offset of the tensor's bytes from the start of the file.
    public let fileOffset: Int
    /// Number of bytes the tensor occupies.
    public let byteCount: Int

    /// Total number of elements.
    public var elementCount: Int { dimensions.reduce(1, *) }
    /// Elements in one row (`dimensions[0]`).
    public var rowLength: Int { dimensions.first ?? 1 }
    /// Number of rows (product of the outer dimensions).
    public var rowCount: Int { dimensions.dropFirst().reduce(1, *) }
}
