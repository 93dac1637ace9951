import Foundation
import Testing

@testable import SluiceEngine

/// A tiny random model of a given architecture, written as a real GGUF file with F32 weights,
/// plus a plain double-precision reference forward pass to check the engine against.
struct SyntheticModel {
    let architecture: String
    let dim: Int = 64
    let hidden: Int = 96
    let layers: Int = 2
    let heads: Int = 4
    let kvHeads: Int = 2
    let headDim: Int = 16
    let vocab: Int = 40
    let theta: Float = 10000
    let eps: Float = 1e-6
    let tied: Bool
    var tensors: [String: (dims: [Int], values: [Float])] = [:]

    var bias: Bool { architecture == "qwen2" }
    var qkNorm: Bool { architecture == "qwen3" }
    var neox: Bool { architecture != "llama" }

    init(architecture: String, tied: Bool, seed: UInt64) {
        self.architecture = architecture
        self.tied = tied
        var random: SamplerRandom = SamplerRandom(seed: seed)
        func values(_ count: Int, scale: Float, around center: Float = 0) -> [Float] {
            (0..<count).map { _ in center + (random.nextUnitFloat() * 2 - 1) * scale }
        }
        let q: Int = heads * headDim
        let kv: Int = kvHeads * headDim
        tensors["token_embd.weight"] = ([dim, vocab], values(dim * vocab, scale: 1))
        tensors["output_norm.weight"] = ([dim], values(dim, scale: 0.2, around: 1))
        if !tied { tensors["output.weight"] = ([dim, vocab], values(dim * vocab, scale: 0.3)) }
        for l: Int in 0..<layers {
            let p: String = "blk.\(l)."
            tensors[p + "attn_norm.weight"] = ([dim], values(dim, scale: 0.2, around: 1))
            tensors[p + "attn_q.weight"] = ([dim, q], values(dim * q, scale: 0.3))
            tensors[p + "attn_k.weight"] = ([dim, kv], values(dim * kv, scale: 0.3))
            tensors[p + "attn_v.weight"] = ([dim, kv], values(dim * kv, scale: 0.3))
            tensors[p + "attn_output.weight"] = ([q, dim], values(q * dim, scale: 0.2))
            tensors[p + "ffn_norm.weight"] = ([dim], values(dim, scale: 0.2, around: 1))
            tensors[p + "ffn_gate.weight"] = ([dim, hidden], values(dim * hidden, scale: 0.3))
            tensors[p + "ffn_up.weight"] = ([dim, hidden], values(dim * hidden, scale: 0.3))
            tensors[p + "ffn_down.weight"] = ([hidden, dim], values(hidden * dim, scale: 0.2))
            if bias {
                tensors[p + "attn_q.bias"] = ([q], values(q, scale: 0.5))
                tensors[p + "attn_k.bias"] = ([kv], values(kv, scale: 0.5))
                tensors[p + "attn_v.bias"] = ([kv], values(kv, scale: 0.5))
            }
            if qkNorm {
                tensors[p + "attn_q_norm.weight"] = ([headDim], values(headDim, scale: 0.2, around: 1))
                tensors[p + "attn_k_norm.weight"] = ([headDim], values(headDim, scale: 0.2, around: 1))
            }
        }
    }

    /// Writes the model as a GGUF file and returns its path.
    func write() -> String {
        let a: String = architecture
        let metadata: [(String, GGUFValue)] = [
            ("general.architecture", .string(a)), ("\(a).embedding_length", .uint32(UInt32(dim))),
            ("\(a).feed_forward_length", .uint32(UInt32(hidden))), ("\(a).block_count", .uint32(UInt32(layers))),
            ("\(a).attention.head_count", .uint32(UInt32(heads))), ("\(a).attention.head_count_kv", .uint32(UInt32(kvHeads))),
            ("\(a).attention.key_length", .uint32(UInt32(headDim))), ("\(a).context_length", .uint32(64)),
            ("\(a).rope.freq_base", .float32(theta)), ("\(a).attention.layer_norm_rms_epsilon", .float32(eps)),
            ("\(a).vocab_size", .uint32(UInt32(vocab))), ("tokenizer.ggml.eos_token_id", .uint32(3)),
        ]
        let entries: [(String, [UInt64], GGUFTensorType, [UInt8])] = tensors.keys.sorted().map { name in
            let tensor: (dims: [Int], values: [Float]) = tensors[name]!
            return (name, tensor.dims.map { UInt64($0) }, .f32, tensor.values.withUnsafeBytes { Array($0) })
        }
        return GGUFTestFile.write(GGUFTestFile.build(metadata: metadata, tensors: entries))
    }

    // MARK: reference forward (double precision, one sequence, full recompute)

    private func matrix(_ name: String, _ x: [Double]) -> [Double] {
        let t: (dims: [Int], values: [Float]) = tensors[name]!
        let cols: Int = t.dims[0]
        let rows: Int = t.values.count / cols
        return (0..<rows).map { r in (0..<cols).reduce(0.0) { $0 + Double(t.values[r * cols + $1]) * x[$1] } }
    }

    private func rms(_ x: [Double], _ name: String) -> [Double] {
        let w: [Float] = tensors[name]!.values
        let scale: Double = 1 / ((x.reduce(0) { $0 + $1 * $1 } / Double(x.count)) + Double(eps)).squareRoot()
        return x.indices.map { x[$0] * scale * Double(w[$0]) }
    }

    private func rope(_ x: inout [Double], heads n: Int, position: Int) {
        for h: Int in 0..<n {
            for i: Int in 0..<headDim / 2 {
                let angle: Double = Double(position) * pow(Double(theta), -2 * Double(i) / Double(headDim))
                let a: Int = h * headDim + (neox ? i : 2 * i)
                let b: Int = a + (neox ? headDim / 2 : 1)
                let (x0, x1): (Double, Double) = (x[a], x[b])
                x[a] = x0 * cos(angle) - x1 * sin(angle)
                x[b] = x0 * sin(angle) + x1 * cos(angle)
            }
        }
    }

    /// Logits after each token of `tokens`.
    func referenceLogits(_ tokens: [Int32]) -> [[Double]] {
        let embedding: [Float] = tensors["token_embd.weight"]!.values
        var keys: [[[Double]]] = Array(repeating: [], count: layers)
        var values: [[[Double]]] = Array(repeating: [], count: layers)
        var result: [[Double]] = []
        for (position, token) in tokens.enumerated() {
            var x: [Double] = (0..<dim).map { Double(embedding[Int(token) * dim + $0]) }
            for l: Int in 0..<layers {
                let p: String = "blk.\(l)."
                let h: [Double] = rms(x, p + "attn_norm.weight")
                var q: [Double] = matrix(p + "attn_q.weight", h)
                var k: [Double] = matrix(p + "attn_k.weight", h)
                var v: [Double] = matrix(p + "attn_v.weight", h)
                if bias {
                    q = q.indices.map { q[$0] + Double(tensors[p + "attn_q.bias"]!.values[$0]) }
                    k = k.indices.map { k[$0] + Double(tensors[p + "attn_k.bias"]!.values[$0]) }
                    v = v.indices.map { v[$0] + Double(tensors[p + "attn_v.bias"]!.values[$0]) }
                }
                if qkNorm {
                    for hh: Int in 0..<heads {
                        let slice: [Double] = rms(Array(q[hh * headDim..<(hh + 1) * headDim]), p + "attn_q_norm.weight")
                        q.replaceSubrange(hh * headDim..<(hh + 1) * headDim, with: slice)
                    }
                    for hh: Int in 0..<kvHeads {
                        let slice: [Double] = rms(Array(k[hh * headDim..<(hh + 1) * headDim]), p + "attn_k_norm.weight")
                        k.replaceSubrange(hh * headDim..<(hh + 1) * headDim, with: slice)
                    }
                }
                rope(&q, heads: heads, position: position)
                rope(&k, heads: kvHeads, position: position)
                keys[l].append(k)
                values[l].append(v)
                var attention: [Double] = [Double](repeating: 0, count: heads * headDim)
                for hh: Int in 0..<heads {
                    let g: Int = hh / (heads / kvHeads)
                    var scores: [Double] = keys[l].map { key in
                        (0..<headDim).reduce(0.0) { $0 + q[hh * headDim + $1] * key[g * headDim + $1] } / Double(headDim).squareRoot()
                    }
                    let m: Double = scores.max()!
                    scores = scores.map { exp($0 - m) }
                    let total: Double = scores.reduce(0, +)
                    for (t, value) in values[l].enumerated() {
                        for i: Int in 0..<headDim { attention[hh * headDim + i] += scores[t] / total * value[g * headDim + i] }
                    }
                }
                let o: [Double] = matrix(p + "attn_output.weight", attention)
                x = x.indices.map { x[$0] + o[$0] }
                let f: [Double] = rms(x, p + "ffn_norm.weight")
                let gate: [Double] = matrix(p + "ffn_gate.weight", f)
                let up: [Double] = matrix(p + "ffn_up.weight", f)
                let act: [Double] = gate.indices.map { gate[$0] / (1 + exp(-gate[$0])) * up[$0] }
                let down: [Double] = matrix(p + "ffn_down.weight", act)
                x = x.indices.map { x[$0] + down[$0] }
            }
            let normed: [Double] = rms(x, "output_norm.weight")
            result.append(matrix(tied ? "token_embd.weight" : "output.weight", normed))
        }
        return result
    }
}

@Suite struct ModelSyntheticTests {
    static let tokens: [Int32] = [5, 17, 3, 29, 11, 0, 39, 22, 8]

    @Test(arguments: [("llama", true), ("qwen2", false), ("qwen3", true)])
    func forwardMatchesReference(architecture: String, tied: Bool) throws {
        let model: SyntheticModel = SyntheticModel(architecture: architecture, tied: tied, seed: 42)
        let path: String = model.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine: InferenceEngine = try InferenceEngine(file: GGUFFile(path: path), threads: 2)
        #expect(engine.config.traits.name == architecture)
        #expect(engine.config.headDim == 16 && engine.config.kvHeadCount == 2)
        #expect(engine.config.endTokens == [3])
        let expected: [[Double]] = model.referenceLogits(Self.tokens)

        // Token by token (decode path).
        let sequence: Int = try engine.cache.allocateSequence()
        for (position, token) in Self.tokens.enumerated() {
            try engine.forward([BatchToken(sequence: sequence, position: position, token: token, wantsLogits: true)])
            let logits: UnsafeBufferPointer<Float> = engine.logits(row: 0)
            for i: Int in 0..<model.vocab {
                #expect(abs(Double(logits[i]) - expected[position][i]) < 0.03 * max(1, abs(expected[position][i])),
                        "\(architecture) pos \(position) logit \(i): \(logits[i]) vs \(expected[position][i])")
            }
        }
        engine.cache.releaseSequence(sequence)

        // Whole prompt in one batch (prefill path), logits for every position.
        let batched: Int = try engine.cache.allocateSequence()
        let rows: Int = try engine.forward(Self.tokens.enumerated().map {
            BatchToken(sequence: batched, position: $0.offset, token: $0.element, wantsLogits: true)
        })
        #expect(rows == Self.tokens.count)
        for position: Int in 0..<rows {
            let logits: UnsafeBufferPointer<Float> = engine.logits(row: position)
            let best: Int = (0..<model.vocab).max { logits[$0] < logits[$1] }!
            let expectedBest: Int = (0..<model.vocab).max { expected[position][$0] < expected[position][$1] }!
            #expect(best == expectedBest, "\(architecture) batched pos \(position)")
            #expect(abs(Double(logits[best]) - expected[position][best]) < 0.03 * max(1, abs(expected[position][best])))
        }
    }

    @Test func mixedSequenceBatchEqualsSeparateRuns() throws {
        let model: SyntheticModel = SyntheticModel(architecture: "llama", tied: true, seed: 9)
        let path: String = model.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine: InferenceEngine = try InferenceEngine(file: GGUFFile(path: path), threads: 2)
        let a: [Int32] = [1, 2, 3, 4, 5]
        let b: [Int32] = [9, 8, 7]
        func alone(_ tokens: [Int32]) throws -> [Float] {
            let s: Int = try engine.cache.allocateSequence()
            defer { engine.cache.releaseSequence(s) }
            try engine.forward(tokens.enumerated().map { BatchToken(sequence: s, position: $0.offset, token: $0.element, wantsLogits: $0.offset == tokens.count - 1) })
            return Array(engine.logits(row: 0))
        }
        let expectedA: [Float] = try alone(a)
        let expectedB: [Float] = try alone(b)
        // Both prompts in one batch, interleaved: each sequence only sees its own cache.
        let sa: Int = try engine.cache.allocateSequence()
        let sb: Int = try engine.cache.allocateSequence()
        var batch: [BatchToken] = []
        for i: Int in 0..<5 {
            batch.append(BatchToken(sequence: sa, position: i, token: a[i], wantsLogits: i == 4))
            if i < 3 { batch.append(BatchToken(sequence: sb, position: i, token: b[i], wantsLogits: i == 2)) }
        }
        #expect(try engine.forward(batch) == 2)
        let gotB: [Float] = Array(engine.logits(row: 0))
        let gotA: [Float] = Array(engine.logits(row: 1))
        for i: Int in 0..<model.vocab {
            #expect(abs(gotA[i] - expectedA[i]) < 1e-4)
            #expect(abs(gotB[i] - expectedB[i]) < 1e-4)
        }
        #expect(engine.cache.length(of: sa) == 5 && engine.cache.length(of: sb) == 3)
    }

    @Test func rejectsBadInputs() throws {
        let model: SyntheticModel = SyntheticModel(architecture: "qwen3", tied: true, seed: 1)
        let path: String = model.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let engine: InferenceEngine = try InferenceEngine(file: GGUFFile(path: path), threads: 1)
        let s: Int = try engine.cache.allocateSequence()
        #expect(throws: EngineError.invalidToken(40)) { try engine.forward([BatchToken(sequence: s, position: 0, token: 40, wantsLogits: true)]) }
        #expect(throws: EngineError.self) { try engine.forward([BatchToken(sequence: s, position: 64, token: 1, wantsLogits: true)]) }
        #expect(throws: EngineError.invalidSequence(7)) { try engine.forward([BatchToken(sequence: 7, position: 0, token: 1, wantsLogits: true)]) }
    }

    @Test func unknownArchitectureAndMissingTensorAreReported() throws {
        var model: SyntheticModel = SyntheticModel(architecture: "llama", tied: true, seed: 2)
        model.tensors["blk.1.ffn_up.weight"] = nil
        let path: String = model.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: EngineError.model(.missingTensor("blk.1.ffn_up.weight"))) { try InferenceEngine(file: GGUFFile(path: path), threads: 1) }
        let other: String = GGUFTestFile.write(GGUFTestFile.build(metadata: [("general.architecture", .string("gpt9"))], tensors: []))
        defer { try? FileManager.default.removeItem(atPath: other) }
        #expect(throws: EngineError.model(.unknownArchitecture("gpt9"))) { try InferenceEngine(file: GGUFFile(path: other), threads: 1) }
    }
}
