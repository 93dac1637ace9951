// Single-head attention over a paged f16 KV cache (scores, softmax, weighted sum of values).
#include "kernels_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define SK_AVX2 __attribute__((target("avx2,fma,f16c")))

// ggml_vec_dot_f16 on AVX2: four 8-lane accumulators over 32-element steps, tree reduction, hadd.
// `y` is the f16 query already widened to f32 (`yh` its f16 bits, for the tail), which is exact, so the
// result is the same as widening it at every key.
SK_AVX2 static inline float dot_f16_ggml(const uint16_t *x, const float *y, const uint16_t *yh, int64_t n) {
    __m256 sum[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    const int64_t np = n & ~(int64_t)31;
    for (int64_t i = 0; i < np; i += 32) {
        for (int j = 0; j < 4; j++) {
            const __m256 ax = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i + j * 8)));
            const __m256 ay = _mm256_loadu_ps(y + i + j * 8);
            sum[j] = _mm256_fmadd_ps(ax, ay, sum[j]);
        }
    }
    sum[0] = _mm256_add_ps(sum[0], sum[2]);
    sum[1] = _mm256_add_ps(sum[1], sum[3]);
    sum[0] = _mm256_add_ps(sum[0], sum[1]);
    const __m128 t0 = _mm_add_ps(_mm256_castps256_ps128(sum[0]), _mm256_extractf128_ps(sum[0], 1));
    const __m128 t1 = _mm_hadd_ps(t0, t0);
    double sumf = (double)_mm_cvtss_f32(_mm_hadd_ps(t1, t1));
    for (int64_t i = np; i < n; i++) sumf += (double)(h2f(x[i]) * h2f(yh[i]));
    return (float)sumf;
}

// y = f16(y * v)
SK_AVX2 static inline void scale_f16(uint16_t *y, float v, int64_t n) {
    const __m256 vv = _mm256_set1_ps(v);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 a = _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(y + i))), vv);
        _mm_storeu_si128((__m128i *)(y + i), _mm256_cvtps_ph(a, 0));
    }
    for (; i < n; i++) y[i] = f2h(h2f(y[i]) * v);
}

// y = f16(y + x * v)
SK_AVX2 static inline void mad_f16(uint16_t *y, const uint16_t *x, float v, int64_t n) {
    const __m256 vv = _mm256_set1_ps(v);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 ax = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i)));
        const __m256 ay = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(y + i)));
        _mm_storeu_si128((__m128i *)(y + i), _mm256_cvtps_ph(_mm256_fmadd_ps(ax, vv, ay), 0));
    }
    for (; i < n; i++) y[i] = f2h(h2f(y[i]) + h2f(x[i]) * v);
}

// One key of ggml's online softmax, for the key's score `s`: updates the running maximum `*M` and sum
// `*S`, sets `*vs` to the key's weight and `*ms` to the factor the accumulator is scaled by before the
// key's value is added. Returns whether that scaling is needed (the maximum rose; otherwise `*ms` is 1).
__attribute__((always_inline)) static inline int softmax_step(float s, float *M, float *S, float *ms, float *vs) {
    const float Mold = *M;
    int rose = 0;
    *ms = 1.0f;
    *vs = 1.0f;
    if (s > *M) {
        *M = s;
        *ms = expf(Mold - s);
        rose = 1;
    } else {
        *vs = expf(s - *M);
    }
    *S = fmaf(*S, *ms, *vs);  // GCC contracts ggml's `S*ms + vs` into an FMA
    return rose;
}

// The offset of key `t0`'s block (the first key of a block of the paged cache) plus `head_offset`.
__attribute__((always_inline)) static inline int64_t key_block_base(const int32_t *block_table, int64_t t0, int64_t block_size,
                                                                   int64_t block_stride, int64_t head_offset) {
    return (int64_t)block_table[t0 / block_size] * block_size * block_stride + head_offset;
}

// Online-softmax attention with an f16 accumulator, as ggml's CPU flash attention does for one query row.
// Keys are walked block by block of the paged cache (no division per key).
SK_AVX2 static void attention_avx2(const uint16_t *q16, const float *qf, const uint16_t *k_cache, const uint16_t *v_cache,
                                   const int32_t *block_table, int64_t block_size, int64_t block_stride,
                                   int64_t head_offset, int64_t head_dim, int64_t n_keys, float scale,
                                   uint16_t *acc16, float *out) {
    float S = 0.0f, M = -INFINITY;
    for (int64_t i = 0; i < head_dim; i++) acc16[i] = 0;
    for (int64_t t0 = 0; t0 < n_keys; t0 += block_size) {
        const int64_t count = n_keys - t0 < block_size ? n_keys - t0 : block_size;
        const int64_t base = key_block_base(block_table, t0, block_size, block_stride, head_offset);
        for (int64_t j = 0; j < count; j++) {
            const uint16_t *k = k_cache + base + j * block_stride;
            const uint16_t *v = v_cache + base + j * block_stride;
            float ms, vs;
            if (softmax_step(dot_f16_ggml(k, qf, q16, head_dim) * scale, &M, &S, &ms, &vs)) scale_f16(acc16, ms, head_dim);
            mad_f16(acc16, v, vs, head_dim);
        }
    }
    const float inv = S == 0.0f ? 0.0f : 1.0f / S;
    for (int64_t i = 0; i < head_dim; i++) out[i] = h2f(acc16[i]) * inv;
}
// The same for 64-dimension heads, with the accumulator held in eight registers: each update rounds it
// to f16 and back (cvtps_ph, cvtph), which is what storing and reloading it as f16 does, so the results
// are bit-identical to attention_avx2 without the accumulator's loads and stores.
SK_AVX2 static void attention_avx2_d64(const uint16_t *q16, const float *qf, const uint16_t *k_cache, const uint16_t *v_cache,
                                       const int32_t *block_table, int64_t block_size, int64_t block_stride,
                                       int64_t head_offset, int64_t n_keys, float scale, float *out) {
    float S = 0.0f, M = -INFINITY;
    __m256 acc[8];
    for (int j = 0; j < 8; j++) acc[j] = _mm256_setzero_ps();
    for (int64_t t0 = 0; t0 < n_keys; t0 += block_size) {
        const int64_t count = n_keys - t0 < block_size ? n_keys - t0 : block_size;
        const int64_t base = key_block_base(block_table, t0, block_size, block_stride, head_offset);
        for (int64_t r = 0; r < count; r++) {
            const uint16_t *k = k_cache + base + r * block_stride;
            const uint16_t *v = v_cache + base + r * block_stride;
            float ms, vs;
            if (softmax_step(dot_f16_ggml(k, qf, q16, 64) * scale, &M, &S, &ms, &vs)) {
                const __m256 msv = _mm256_set1_ps(ms);
                for (int j = 0; j < 8; j++) acc[j] = _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_mul_ps(acc[j], msv), 0));
            }
            const __m256 vsv = _mm256_set1_ps(vs);
            for (int j = 0; j < 8; j++) {
                const __m256 vx = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + j * 8)));
                acc[j] = _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_fmadd_ps(vx, vsv, acc[j]), 0));
            }
        }
    }
    const float inv = S == 0.0f ? 0.0f : 1.0f / S;
    const __m256 invv = _mm256_set1_ps(inv);
    for (int j = 0; j < 8; j++) _mm256_storeu_ps(out + j * 8, _mm256_mul_ps(acc[j], invv));
}
#endif

static void attention_scalar(const float *q, const uint16_t *k_cache, const uint16_t *v_cache,
                             const int32_t *block_table, int64_t block_size, int64_t block_stride,
                             int64_t head_offset, int64_t head_dim, int64_t n_keys, float scale,
                             float *scores, float *out) {
    float max = -INFINITY;
    for (int64_t t = 0; t < n_keys; t++) {
        const int64_t slot = (int64_t)block_table[t / block_size] * block_size + t % block_size;
        const uint16_t *k = k_cache + slot * block_stride + head_offset;
        float dot = 0.0f;
        for (int64_t i = 0; i < head_dim; i++) dot += h2f(k[i]) * q[i];
        scores[t] = dot * scale;
        max = scores[t] > max ? scores[t] : max;
    }
    double sum = 0.0;
    for (int64_t t = 0; t < n_keys; t++) {
        scores[t] = expf(scores[t] - max);
        sum += (double)scores[t];
    }
    const float inv = (float)(1.0 / sum);
    for (int64_t i = 0; i < head_dim; i++) out[i] = 0.0f;
    for (int64_t t = 0; t < n_keys; t++) {
        const int64_t slot = (int64_t)block_table[t / block_size] * block_size + t % block_size;
        const uint16_t *v = v_cache + slot * block_stride + head_offset;
        const float p = scores[t] * inv;
        for (int64_t i = 0; i < head_dim; i++) out[i] += p * h2f(v[i]);
    }
}

void sk_attention_head(const float *q, const uint16_t *k_cache, const uint16_t *v_cache,
                       const int32_t *block_table, int64_t block_size, int64_t block_stride, int64_t head_offset,
                       int64_t head_dim, int64_t n_keys, float scale, float *scores, float *out) {
    // ggml rounds the query to f16 before the f16 K dot product; do the same for agreement.
    float qh[512];
    const int64_t d = head_dim < 512 ? head_dim : 512;
    for (int64_t i = 0; i < d; i++) qh[i] = h2f(f2h(q[i]));
#if defined(__x86_64__)
    if (sk_cpu_has_avx2()) {
        uint16_t q16[512], acc16[512];
        for (int64_t i = 0; i < d; i++) q16[i] = f2h(q[i]);
        if (d == 64) {
            attention_avx2_d64(q16, qh, k_cache, v_cache, block_table, block_size, block_stride, head_offset, n_keys, scale, out);
            return;
        }
        attention_avx2(q16, qh, k_cache, v_cache, block_table, block_size, block_stride, head_offset, d, n_keys, scale, acc16, out);
        return;
    }
#endif
    attention_scalar(qh, k_cache, v_cache, block_table, block_size, block_stride, head_offset, d, n_keys, scale, scores, out);
}
