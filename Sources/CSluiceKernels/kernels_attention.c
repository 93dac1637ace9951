// Single-head attention over a paged f16 KV cache (scores, softmax, weighted sum of values).
#include "kernels_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define SK_AVX2 __attribute__((target("avx2,fma,f16c")))

SK_AVX2 static void attention_avx2(const float *q, const uint16_t *k_cache, const uint16_t *v_cache,
                                   const int32_t *block_table, int64_t block_size, int64_t block_stride,
                                   int64_t head_offset, int64_t head_dim, int64_t n_keys, float scale,
                                   float *scores, float *out) {
    float max = -INFINITY;
    for (int64_t t = 0; t < n_keys; t++) {
        const int64_t slot = (int64_t)block_table[t / block_size] * block_size + t % block_size;
        const uint16_t *k = k_cache + slot * block_stride + head_offset;
        __m256 acc = _mm256_setzero_ps();
        for (int64_t i = 0; i < head_dim; i += 8) {
            acc = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + i))), _mm256_loadu_ps(q + i), acc);
        }
        __m128 r = _mm_add_ps(_mm256_extractf128_ps(acc, 1), _mm256_castps256_ps128(acc));
        r = _mm_add_ps(r, _mm_movehl_ps(r, r));
        r = _mm_add_ss(r, _mm_movehdup_ps(r));
        const float s = _mm_cvtss_f32(r) * scale;
        scores[t] = s;
        max = s > max ? s : max;
    }
    double sum = 0.0;
    for (int64_t t = 0; t < n_keys; t++) {
        const float e = expf(scores[t] - max);
        scores[t] = e;
        sum += (double)e;
    }
    const float inv = (float)(1.0 / sum);
    for (int64_t i = 0; i < head_dim; i += 8) _mm256_storeu_ps(out + i, _mm256_setzero_ps());
    for (int64_t t = 0; t < n_keys; t++) {
        const int64_t slot = (int64_t)block_table[t / block_size] * block_size + t % block_size;
        const uint16_t *v = v_cache + slot * block_stride + head_offset;
        const __m256 p = _mm256_set1_ps(scores[t] * inv);
        for (int64_t i = 0; i < head_dim; i += 8) {
            const __m256 vv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + i)));
            _mm256_storeu_ps(out + i, _mm256_fmadd_ps(p, vv, _mm256_loadu_ps(out + i)));
        }
    }
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
    if (d % 8 == 0 && sk_cpu_has_avx2()) {
        attention_avx2(qh, k_cache, v_cache, block_table, block_size, block_stride, head_offset, d, n_keys, scale, scores, out);
        return;
    }
#endif
    attention_scalar(qh, k_cache, v_cache, block_table, block_size, block_stride, head_offset, d, n_keys, scale, scores, out);
}
