// CSluiceKernels: numerical kernels of Sluice's CPU inference engine.
// Block layouts follow ggml exactly; type ids are ggml's (and GGUF's).
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SK_TYPE_F32 = 0,
    SK_TYPE_F16 = 1,
    SK_TYPE_Q4_0 = 2,
    SK_TYPE_Q4_1 = 3,
    SK_TYPE_Q5_0 = 6,
    SK_TYPE_Q5_1 = 7,
    SK_TYPE_Q8_0 = 8,
    SK_TYPE_Q8_1 = 9,
    SK_TYPE_Q4_K = 12,
    SK_TYPE_Q6_K = 14,
    SK_TYPE_Q8_K = 15,
    SK_TYPE_BF16 = 30,
};

/// 1 if the CPU has AVX2, FMA and F16C (the SIMD paths are used), else 0.
int sk_cpu_has_avx2(void);

/// IEEE half <-> single conversion (round to nearest even).
float sk_fp16_to_fp32(uint16_t h);
uint16_t sk_fp32_to_fp16(float f);
void sk_fp16_to_fp32_row(const uint16_t *src, float *dst, int64_t n);
void sk_fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n);

/// Bytes occupied by `n` elements of `type` (n must be a multiple of the block size); 0 if the type is unknown.
size_t sk_row_size(int type, int64_t n);

/// Dequantizes `n` elements of `type` at `src` into `dst`. Returns 0, or -1 if the type is unsupported.
int sk_dequantize_row(int type, const void *src, float *dst, int64_t n);

/// The type activations are quantized to before multiplying with weights of `weight_type`
/// (Q8_0, Q8_1, Q8_K, or F32 for float weights); -1 if unsupported.
int sk_vec_dot_type(int weight_type);

/// Quantizes `n` floats into `type` (Q8_0, Q8_1, Q8_K; F32 copies). Same rounding as ggml's AVX2 path.
void sk_quantize_row(int type, const float *x, void *y, int64_t n);

/// Dot product of a weight row (`weight_type`) with activations already in sk_vec_dot_type(weight_type).
/// `simd` = 0 forces the portable scalar code (used by tests to compare paths).
float sk_vec_dot(int weight_type, int64_t n, const void *w, const void *x, int simd);

/// out[j * out_stride + r] = dot(W row r, X row j) for r in [row_begin, row_end), j in [0, nx).
/// W has rows of `cols` elements of `weight_type`; X rows are `x_stride` bytes apart, already quantized.
void sk_matmul(int weight_type, const void *w, int64_t cols, int64_t row_begin, int64_t row_end,
               const void *x, size_t x_stride, int64_t nx, float *out, int64_t out_stride);

/// out = x / sqrt(mean(x^2) + eps) * weight (ggml rms_norm followed by mul).
void sk_rmsnorm(const float *x, const float *weight, float *out, int64_t n, float eps);

/// gate[i] = silu(gate[i]) * up[i].
void sk_silu_mul(float *gate, const float *up, int64_t n);

/// Rotary embedding in place on `n_heads` heads of `head_dim` floats at position `pos`;
/// the first `n_dims` dims of each head rotate. neox = 0: adjacent pairs (ggml NORM); 1: half-split pairs (NEOX).
void sk_rope(float *x, int64_t n_heads, int64_t head_dim, int64_t n_dims, int64_t pos, float freq_base, int neox);

/// Fills `cache` (n_dims floats: cos, sin pairs) for position `pos`, exactly as ggml builds its rope cache.
void sk_rope_cache(float *cache, int64_t n_dims, int64_t pos, float freq_base);

/// Applies a cache from sk_rope_cache to `n_heads` heads of `head_dim` floats in place.
void sk_rope_apply(float *x, const float *cache, int64_t n_heads, int64_t head_dim, int64_t n_dims, int neox);

/// out[i] += x[i].
void sk_add(float *out, const float *x, int64_t n);

/// Attention of one query head over a paged f16 KV cache.
/// Key t lives in block `block_table[t / block_size]`, slot `t % block_size`; a slot holds `slot_stride` halves
/// and this head's vector starts `head_offset` halves into it. Keys 0..<n_keys are attended (causal prefix).
/// `scores` needs n_keys floats of scratch. out = softmax(q·k * scale) · v, `head_dim` floats.
void sk_attention_head(const float *q, const uint16_t *k_cache, const uint16_t *v_cache,
                       const int32_t *block_table, int64_t block_size, int64_t block_stride, int64_t head_offset,
                       int64_t head_dim, int64_t n_keys, float scale, float *scores, float *out);

/// In-place softmax over n floats; returns log(sum(exp(x - max))) + max (the log-normalizer).
float sk_softmax(float *x, int64_t n);

/// log-sum-exp of n floats (for log-softmax without modifying the input).
float sk_logsumexp(const float *x, int64_t n);

/// Spin-wait hint (x86 PAUSE).
static inline void sk_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

#ifdef __cplusplus
}
#endif
