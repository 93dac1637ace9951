// AVX2/FMA/F16C dot products, compiled per function with target attributes and chosen at run time.
#include "kernels_internal.h"

#if defined(__x86_64__)
#include "kernels_avx2.h"
#include <stdlib.h>

SK_AVX2 static inline float h2f_fast(uint16_t h) { return _cvtsh_ss(h); }

// 32 nibbles -> 32 bytes: low nibbles in the first 16, high nibbles in the last 16 (ggml order).
SK_AVX2 static inline __m256i bytes_from_nibbles_32(const uint8_t *rsi) {
    const __m128i tmp = _mm_loadu_si128((const __m128i *)rsi);
    const __m256i bytes = _mm256_set_m128i(_mm_srli_epi16(tmp, 4), tmp);
    return _mm256_and_si256(_mm256_set1_epi8(0x0F), bytes);
}

SK_AVX2 static inline __m256 mul_sum_i8_pairs_float(const __m256i x, const __m256i y) {
    const __m256i ax = _mm256_sign_epi8(x, x);
    const __m256i sy = _mm256_sign_epi8(y, x);
    return mul_sum_us8_pairs_float(ax, sy);
}

SK_AVX2 float sk_dot_f32_avx2(int64_t n, const float *w, const float *x) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 8), _mm256_loadu_ps(x + i + 8), acc1);
    }
    float sum = hsum_float_8(_mm256_add_ps(acc0, acc1));
    for (; i < n; i++) sum += w[i] * x[i];
    return sum;
}

SK_AVX2 float sk_dot_f16_avx2(int64_t n, const uint16_t *w, const float *x) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256 w0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + i)));
        const __m256 w1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + i + 8)));
        acc0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + i), acc0);
        acc1 = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + i + 8), acc1);
    }
    float sum = hsum_float_8(_mm256_add_ps(acc0, acc1));
    for (; i < n; i++) sum += h2f_fast(w[i]) * x[i];
    return sum;
}

SK_AVX2 float sk_dot_q4_0_avx2(int64_t n, const block_q4_0 *w, const block_q8_0 *x) {
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK; i++) {
        const __m256 d = _mm256_set1_ps(h2f_fast(w[i].d) * h2f_fast(x[i].d));
        const __m256i qx = _mm256_sub_epi8(bytes_from_nibbles_32(w[i].qs), _mm256_set1_epi8(8));
        const __m256i qy = _mm256_loadu_si256((const __m256i *)x[i].qs);
        acc = _mm256_fmadd_ps(d, mul_sum_i8_pairs_float(qx, qy), acc);
    }
    return hsum_float_8(acc);
}

SK_AVX2 float sk_dot_q4_1_avx2(int64_t n, const block_q4_1 *w, const block_q8_1 *x) {
    __m256 acc = _mm256_setzero_ps();
    float summs = 0;
    for (int64_t i = 0; i < n / QK; i++) {
        summs = fmaf(h2f_fast(w[i].m), h2f_fast(x[i].s), summs);
        const __m256 d = _mm256_set1_ps(h2f_fast(w[i].d) * h2f_fast(x[i].d));
        const __m256i qx = bytes_from_nibbles_32(w[i].qs);
        const __m256i qy = _mm256_loadu_si256((const __m256i *)x[i].qs);
        acc = _mm256_fmadd_ps(d, mul_sum_us8_pairs_float(qx, qy), acc);
    }
    return hsum_float_8(acc) + summs;
}

SK_AVX2 float sk_dot_q8_0_avx2(int64_t n, const block_q8_0 *w, const block_q8_0 *x) {
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK; i++) {
        const __m256 d = _mm256_set1_ps(h2f_fast(w[i].d) * h2f_fast(x[i].d));
        const __m256i qx = _mm256_loadu_si256((const __m256i *)w[i].qs);
        const __m256i qy = _mm256_loadu_si256((const __m256i *)x[i].qs);
        acc = _mm256_fmadd_ps(d, mul_sum_i8_pairs_float(qx, qy), acc);
    }
    return hsum_float_8(acc);
}

// ---- one weight row x 4 activation rows ----

SK_AVX2 void sk_dot4_q4_1_avx2(int64_t n, const block_q4_1 *w, const void *x, size_t x_stride, float *out4) {
    const block_q8_1 *x0 = (const block_q8_1 *)x;
    const block_q8_1 *x1 = (const block_q8_1 *)((const char *)x + x_stride);
    const block_q8_1 *x2 = (const block_q8_1 *)((const char *)x + 2 * x_stride);
    const block_q8_1 *x3 = (const block_q8_1 *)((const char *)x + 3 * x_stride);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int64_t i = 0; i < n / QK; i++) {
        const float wd = h2f_fast(w[i].d), wm = h2f_fast(w[i].m);
        const __m256i qx = bytes_from_nibbles_32(w[i].qs);
        s0 = fmaf(wm, h2f_fast(x0[i].s), s0);
        s1 = fmaf(wm, h2f_fast(x1[i].s), s1);
        s2 = fmaf(wm, h2f_fast(x2[i].s), s2);
        s3 = fmaf(wm, h2f_fast(x3[i].s), s3);
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(wd * h2f_fast(x0[i].d)), mul_sum_us8_pairs_float(qx, _mm256_loadu_si256((const __m256i *)x0[i].qs)), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_set1_ps(wd * h2f_fast(x1[i].d)), mul_sum_us8_pairs_float(qx, _mm256_loadu_si256((const __m256i *)x1[i].qs)), acc1);
        acc2 = _mm256_fmadd_ps(_mm256_set1_ps(wd * h2f_fast(x2[i].d)), mul_sum_us8_pairs_float(qx, _mm256_loadu_si256((const __m256i *)x2[i].qs)), acc2);
        acc3 = _mm256_fmadd_ps(_mm256_set1_ps(wd * h2f_fast(x3[i].d)), mul_sum_us8_pairs_float(qx, _mm256_loadu_si256((const __m256i *)x3[i].qs)), acc3);
    }
    out4[0] = hsum_float_8(acc0) + s0;
    out4[1] = hsum_float_8(acc1) + s1;
    out4[2] = hsum_float_8(acc2) + s2;
    out4[3] = hsum_float_8(acc3) + s3;
}

SK_AVX2 void sk_dot4_q8_0_avx2(int64_t n, const block_q8_0 *w, const void *x, size_t x_stride, float *out4) {
    const block_q8_0 *x0 = (const block_q8_0 *)x;
    const block_q8_0 *x1 = (const block_q8_0 *)((const char *)x + x_stride);
    const block_q8_0 *x2 = (const block_q8_0 *)((const char *)x + 2 * x_stride);
    const block_q8_0 *x3 = (const block_q8_0 *)((const char *)x + 3 * x_stride);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK; i++) {
        const float wd = h2f_fast(w[i].d);
        const __m256i qx = _mm256_loadu_si256((const __m256i *)w[i].qs);
        const __m256i ax = _mm256_sign_epi8(qx, qx);
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(wd * h2f_fast(x0[i].d)), mul_sum_us8_pairs_float(ax, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)x0[i].qs), qx)), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_set1_ps(wd * h2f_fast(x1[i].d)), mul_sum_us8_pairs_float(ax, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)x1[i].qs), qx)), acc1);
        acc2 = _mm256_fmadd_ps(_mm256_set1_ps(wd * h2f_fast(x2[i].d)), mul_sum_us8_pairs_float(ax, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)x2[i].qs), qx)), acc2);
        acc3 = _mm256_fmadd_ps(_mm256_set1_ps(wd * h2f_fast(x3[i].d)), mul_sum_us8_pairs_float(ax, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)x3[i].qs), qx)), acc3);
    }
    out4[0] = hsum_float_8(acc0);
    out4[1] = hsum_float_8(acc1);
    out4[2] = hsum_float_8(acc2);
    out4[3] = hsum_float_8(acc3);
}

SK_AVX2 void sk_dot4_q4_0_avx2(int64_t n, const block_q4_0 *w, const void *x, size_t x_stride, float *out4) {
    const block_q8_0 *x0 = (const block_q8_0 *)x;
    const block_q8_0 *x1 = (const block_q8_0 *)((const char *)x + x_stride);
    const block_q8_0 *x2 = (const block_q8_0 *)((const char *)x + 2 * x_stride);
    const block_q8_0 *x3 = (const block_q8_0 *)((const char *)x + 3 * x_stride);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK; i++) {
        const float wd = h2f_fast(w[i].d);
        const __m256i qx = _mm256_sub_epi8(bytes_from_nibbles_32(w[i].qs), _mm256_set1_epi8(8));
        const __m256i ax = _mm256_sign_epi8(qx, qx);
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(wd * h2f_fast(x0[i].d)), mul_sum_us8_pairs_float(ax, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)x0[i].qs), qx)), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_set1_ps(wd * h2f_fast(x1[i].d)), mul_sum_us8_pairs_float(ax, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)x1[i].qs), qx)), acc1);
        acc2 = _mm256_fmadd_ps(_mm256_set1_ps(wd * h2f_fast(x2[i].d)), mul_sum_us8_pairs_float(ax, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)x2[i].qs), qx)), acc2);
        acc3 = _mm256_fmadd_ps(_mm256_set1_ps(wd * h2f_fast(x3[i].d)), mul_sum_us8_pairs_float(ax, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)x3[i].qs), qx)), acc3);
    }
    out4[0] = hsum_float_8(acc0);
    out4[1] = hsum_float_8(acc1);
    out4[2] = hsum_float_8(acc2);
    out4[3] = hsum_float_8(acc3);
}

// ---- decode tiles: 4 weight rows x one activation row, per-pair arithmetic identical to the dots above ----

#define SK_INLINE __attribute__((always_inline)) static inline

// How many tiles ahead a one-activation-row tile (decode) prefetches its weights. Decode reads each weight
// once, and this machine's hardware prefetcher alone left it waiting on memory: a Q8_0 matrix x vector
// streamed at ~6 GB/s per thread against ~16 GB/s for a plain read loop. Four tiles (16 rows) ahead
// measured best of 1, 2, 4 and 8.
#define SK_PREFETCH_TILES 4

// Prefetches, at block `i` of `nb`, the cache lines of its share (about bytes/nb) of the `bytes` that start
// at `ahead`, so that over the blocks every line is fetched once or twice. Prefetches never fault, so
// running past the end of the matrix is harmless.
SK_AVX2 SK_INLINE void prefetch_share(const char *ahead, size_t bytes, int64_t i, int64_t nb) {
    const size_t step = (bytes + (size_t)nb - 1) / (size_t)nb;
    const uintptr_t first = ((uintptr_t)ahead + (size_t)i * step) & ~(uintptr_t)63;
    const uintptr_t last = ((uintptr_t)ahead + (size_t)i * step + step - 1) & ~(uintptr_t)63;
    for (uintptr_t line = first; line <= last; line += 64) _mm_prefetch((const char *)line, _MM_HINT_T0);
}

// 4 weight rows x one activation row (decode), prefetching the weights SK_PREFETCH_TILES tiles ahead.
SK_AVX2 void sk_tile_q4_1_4x1_avx2(int64_t n, const void *w, size_t w_stride, const void *x, float *out) {
    const block_q8_1 *y = (const block_q8_1 *)x;
    __m256 acc[4];
    float summs[4];
    for (int r = 0; r < 4; r++) {
        acc[r] = _mm256_setzero_ps();
        summs[r] = 0.0f;
    }
    for (int64_t i = 0; i < n / QK; i++) {
        prefetch_share((const char *)w + (size_t)SK_PREFETCH_TILES * 4 * w_stride, 4 * w_stride, i, n / QK);
        const float yd = h2f_fast(y[i].d), ys = h2f_fast(y[i].s);
        const __m256i qy = _mm256_loadu_si256((const __m256i *)y[i].qs);
        for (int r = 0; r < 4; r++) {
            const block_q4_1 *b = (const block_q4_1 *)((const char *)w + (size_t)r * w_stride) + i;
            const float wd = h2f_fast(b->d), wm = h2f_fast(b->m);
            summs[r] = fmaf(wm, ys, summs[r]);
            acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(wd * yd), mul_sum_us8_pairs_float(bytes_from_nibbles_32(b->qs), qy), acc[r]);
        }
    }
    for (int r = 0; r < 4; r++) out[r] = hsum_float_8(acc[r]) + summs[r];
}

// The same for Q8_0.
SK_AVX2 void sk_tile_q8_0_4x1_avx2(int64_t n, const void *w, size_t w_stride, const void *x, float *out) {
    const block_q8_0 *y = (const block_q8_0 *)x;
    __m256 acc[4];
    for (int r = 0; r < 4; r++) acc[r] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK; i++) {
        prefetch_share((const char *)w + (size_t)SK_PREFETCH_TILES * 4 * w_stride, 4 * w_stride, i, n / QK);
        const float yd = h2f_fast(y[i].d);
        const __m256i qy = _mm256_loadu_si256((const __m256i *)y[i].qs);
        for (int r = 0; r < 4; r++) {
            const block_q8_0 *b = (const block_q8_0 *)((const char *)w + (size_t)r * w_stride) + i;
            const __m256i qx = _mm256_loadu_si256((const __m256i *)b->qs);
            acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(h2f_fast(b->d) * yd), mul_sum_us8_pairs_float(_mm256_sign_epi8(qx, qx), _mm256_sign_epi8(qy, qx)), acc[r]);
        }
    }
    for (int r = 0; r < 4; r++) out[r] = hsum_float_8(acc[r]);
}

#else

void sk_tile_q4_1_4x1_avx2(int64_t n, const void *w, size_t ws, const void *x, float *out) { (void)n; (void)w; (void)ws; (void)x; (void)out; }
void sk_tile_q8_0_4x1_avx2(int64_t n, const void *w, size_t ws, const void *x, float *out) { (void)n; (void)w; (void)ws; (void)x; (void)out; }

float sk_dot_f32_avx2(int64_t n, const float *w, const float *x) { return sk_dot_f32_scalar(n, w, x); }
float sk_dot_f16_avx2(int64_t n, const uint16_t *w, const float *x) { return sk_dot_f16_scalar(n, w, x); }
float sk_dot_q4_0_avx2(int64_t n, const block_q4_0 *w, const block_q8_0 *x) { return sk_dot_q4_0_scalar(n, w, x); }
float sk_dot_q4_1_avx2(int64_t n, const block_q4_1 *w, const block_q8_1 *x) { return sk_dot_q4_1_scalar(n, w, x); }
float sk_dot_q8_0_avx2(int64_t n, const block_q8_0 *w, const block_q8_0 *x) { return sk_dot_q8_0_scalar(n, w, x); }
void sk_dot4_q4_1_avx2(int64_t n, const block_q4_1 *w, const void *x, size_t s, float *o) {
    for (int j = 0; j < 4; j++) o[j] = sk_dot_q4_1_scalar(n, w, (const block_q8_1 *)((const char *)x + j * s));
}
void sk_dot4_q8_0_avx2(int64_t n, const block_q8_0 *w, const void *x, size_t s, float *o) {
    for (int j = 0; j < 4; j++) o[j] = sk_dot_q8_0_scalar(n, w, (const block_q8_0 *)((const char *)x + j * s));
}
void sk_dot4_q4_0_avx2(int64_t n, const block_q4_0 *w, const void *x, size_t s, float *o) {
    for (int j = 0; j < 4; j++) o[j] = sk_dot_q4_0_scalar(n, w, (const block_q8_0 *)((const char *)x + j * s));
}

#endif
