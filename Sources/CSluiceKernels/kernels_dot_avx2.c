// AVX2/FMA/F16C dot products, compiled per function with target attributes and chosen at run time.
#include "kernels_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdlib.h>

#define SK_AVX2 __attribute__((target("avx2,fma,f16c")))

SK_AVX2 static inline float hsum_float_8(const __m256 x) {
    __m128 res = _mm256_extractf128_ps(x, 1);
    res = _mm_add_ps(res, _mm256_castps256_ps128(x));
    res = _mm_add_ps(res, _mm_movehl_ps(res, res));
    res = _mm_add_ss(res, _mm_movehdup_ps(res));
    return _mm_cvtss_f32(res);
}

SK_AVX2 static inline float h2f_fast(uint16_t h) { return _cvtsh_ss(h); }

// 32 nibbles -> 32 bytes: low nibbles in the first 16, high nibbles in the last 16 (ggml order).
SK_AVX2 static inline __m256i bytes_from_nibbles_32(const uint8_t *rsi) {
    const __m128i tmp = _mm_loadu_si128((const __m128i *)rsi);
    const __m256i bytes = _mm256_set_m128i(_mm_srli_epi16(tmp, 4), tmp);
    return _mm256_and_si256(_mm256_set1_epi8(0x0F), bytes);
}

SK_AVX2 static inline __m256 sum_i16_pairs_float(const __m256i x) {
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_set1_epi16(1), x));
}

SK_AVX2 static inline __m256 mul_sum_us8_pairs_float(const __m256i ax, const __m256i sy) {
    return sum_i16_pairs_float(_mm256_maddubs_epi16(ax, sy));
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

// ---- register-blocked tiles: R weight rows x C activation rows, per-pair arithmetic identical to the dots above ----

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

SK_AVX2 SK_INLINE void tile_q4_1(int64_t n, const char *w, size_t w_stride, const char *x, size_t x_stride,
                                 float *out, int64_t out_stride, const int R, const int C) {
    __m256 acc[4][4];
    float summs[4][4];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) {
            acc[r][c] = _mm256_setzero_ps();
            summs[r][c] = 0.0f;
        }
    for (int64_t i = 0; i < n / QK; i++) {
        if (C == 1) prefetch_share(w + (size_t)SK_PREFETCH_TILES * R * w_stride, (size_t)R * w_stride, i, n / QK);
        __m256i qx[4];
        float wd[4], wm[4];
        for (int r = 0; r < R; r++) {
            const block_q4_1 *b = (const block_q4_1 *)(w + (size_t)r * w_stride) + i;
            wd[r] = h2f_fast(b->d);
            wm[r] = h2f_fast(b->m);
            qx[r] = bytes_from_nibbles_32(b->qs);
        }
        for (int c = 0; c < C; c++) {
            const block_q8_1 *y = (const block_q8_1 *)(x + (size_t)c * x_stride) + i;
            const float yd = h2f_fast(y->d), ys = h2f_fast(y->s);
            const __m256i qy = _mm256_loadu_si256((const __m256i *)y->qs);
            for (int r = 0; r < R; r++) {
                summs[r][c] = fmaf(wm[r], ys, summs[r][c]);
                acc[r][c] = _mm256_fmadd_ps(_mm256_set1_ps(wd[r] * yd), mul_sum_us8_pairs_float(qx[r], qy), acc[r][c]);
            }
        }
    }
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) out[c * out_stride + r] = hsum_float_8(acc[r][c]) + summs[r][c];
}

SK_AVX2 SK_INLINE void tile_q8_0(int64_t n, const char *w, size_t w_stride, const char *x, size_t x_stride,
                                 float *out, int64_t out_stride, const int R, const int C) {
    __m256 acc[4][4];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) acc[r][c] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / QK; i++) {
        if (C == 1) prefetch_share(w + (size_t)SK_PREFETCH_TILES * R * w_stride, (size_t)R * w_stride, i, n / QK);
        __m256i qx[4], ax[4];
        float wd[4];
        for (int r = 0; r < R; r++) {
            const block_q8_0 *b = (const block_q8_0 *)(w + (size_t)r * w_stride) + i;
            wd[r] = h2f_fast(b->d);
            qx[r] = _mm256_loadu_si256((const __m256i *)b->qs);
            ax[r] = _mm256_sign_epi8(qx[r], qx[r]);
        }
        for (int c = 0; c < C; c++) {
            const block_q8_0 *y = (const block_q8_0 *)(x + (size_t)c * x_stride) + i;
            const float yd = h2f_fast(y->d);
            const __m256i qy = _mm256_loadu_si256((const __m256i *)y->qs);
            for (int r = 0; r < R; r++) {
                acc[r][c] = _mm256_fmadd_ps(_mm256_set1_ps(wd[r] * yd), mul_sum_us8_pairs_float(ax[r], _mm256_sign_epi8(qy, qx[r])), acc[r][c]);
            }
        }
    }
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) out[c * out_stride + r] = hsum_float_8(acc[r][c]);
}

// ---- Q4_1 x Q8_1 and Q8_0 x Q8_0 matrix x matrix (prefill, batched decode) ----

// 2 weight rows x 4 activation rows over all blocks. The f16 scales come pre-converted: for Q4_1 `ws`
// holds, per block, {d0 x4, d1 x4, m0 x4, m1 x4} of the two weight rows and `xs` {d0..d3, s0..s3} of the
// four activation rows, so the 8 pairs' scale products and min terms are one multiply and one FMA. Per
// pair the arithmetic is that of sk_dot_q4_1_avx2 (ggml's): acc += (wd * yd) * sum, summs = fma(wm, ys, summs).
SK_AVX2 SK_INLINE void tile_q4_1_2x4_scaled(int64_t nb, const block_q4_1 *w0, const block_q4_1 *w1,
                                            const char *x, size_t x_stride, const float *ws, const float *xs,
                                            float *out, int64_t out_stride) {
    const block_q8_1 *y[4];
    for (int c = 0; c < 4; c++) y[c] = (const block_q8_1 *)(x + (size_t)c * x_stride);
    __m256 acc[2][4];
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 4; c++) acc[r][c] = _mm256_setzero_ps();
    __m256 summs = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const __m256 dd = _mm256_mul_ps(_mm256_load_ps(ws + i * 16), _mm256_broadcast_ps((const __m128 *)(xs + i * 8)));
        summs = _mm256_fmadd_ps(_mm256_load_ps(ws + i * 16 + 8), _mm256_broadcast_ps((const __m128 *)(xs + i * 8 + 4)), summs);
        const __m256i qx0 = bytes_from_nibbles_32(w0[i].qs);
        const __m256i qx1 = bytes_from_nibbles_32(w1[i].qs);
        for (int c = 0; c < 4; c++) {
            const __m256i qy = _mm256_loadu_si256((const __m256i *)y[c][i].qs);
            acc[0][c] = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(dd, _mm256_set1_epi32(c)), mul_sum_us8_pairs_float(qx0, qy), acc[0][c]);
            acc[1][c] = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(dd, _mm256_set1_epi32(4 + c)), mul_sum_us8_pairs_float(qx1, qy), acc[1][c]);
        }
    }
    float sm[8];
    _mm256_storeu_ps(sm, summs);
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 4; c++) out[c * out_stride + r] = hsum_float_8(acc[r][c]) + sm[r * 4 + c];
}

// The same for Q8_0: `ws` holds {d0 x4, d1 x4} per block and `xs` {d0..d3}; per pair the arithmetic is
// that of sk_dot_q8_0_avx2.
SK_AVX2 SK_INLINE void tile_q8_0_2x4_scaled(int64_t nb, const block_q8_0 *w0, const block_q8_0 *w1,
                                            const char *x, size_t x_stride, const float *ws, const float *xs,
                                            float *out, int64_t out_stride) {
    const block_q8_0 *y[4];
    for (int c = 0; c < 4; c++) y[c] = (const block_q8_0 *)(x + (size_t)c * x_stride);
    __m256 acc[2][4];
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 4; c++) acc[r][c] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const __m256 dd = _mm256_mul_ps(_mm256_load_ps(ws + i * 8), _mm256_broadcast_ps((const __m128 *)(xs + i * 4)));
        const __m256i qx0 = _mm256_loadu_si256((const __m256i *)w0[i].qs);
        const __m256i qx1 = _mm256_loadu_si256((const __m256i *)w1[i].qs);
        const __m256i ax0 = _mm256_sign_epi8(qx0, qx0), ax1 = _mm256_sign_epi8(qx1, qx1);
        for (int c = 0; c < 4; c++) {
            const __m256i qy = _mm256_loadu_si256((const __m256i *)y[c][i].qs);
            acc[0][c] = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(dd, _mm256_set1_epi32(c)), mul_sum_us8_pairs_float(ax0, _mm256_sign_epi8(qy, qx0)), acc[0][c]);
            acc[1][c] = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(dd, _mm256_set1_epi32(4 + c)), mul_sum_us8_pairs_float(ax1, _mm256_sign_epi8(qy, qx1)), acc[1][c]);
        }
    }
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 4; c++) out[c * out_stride + r] = hsum_float_8(acc[r][c]);
}

SK_AVX2 int sk_matmul_scaled_avx2(int weight_type, int64_t n, const void *w, size_t w_row, int64_t row_begin, int64_t row_end,
                                  const void *x, size_t x_stride, int64_t nx, float *out, int64_t out_stride) {
    enum { ROWS = 16 };
    const int q41 = weight_type == SK_TYPE_Q4_1;
    if (!q41 && weight_type != SK_TYPE_Q8_0) return 0;
    const int64_t nb = n / QK;
    const int64_t groups = nx / 4;
    // Floats per block: of a pair of weight rows (scales, and mins for Q4_1), of a group of 4 activation rows.
    const int64_t wper = q41 ? 16 : 8, xper = q41 ? 8 : 4;
    // aligned_alloc wants a multiple of the alignment: round up to 8 floats.
    float *xs = aligned_alloc(32, (size_t)((groups * nb * xper + 7) / 8 * 8 + 8) * sizeof(float));
    float *ws = aligned_alloc(32, (size_t)((ROWS / 2) * nb * wper + 8) * sizeof(float));
    if (!xs || !ws) {
        free(xs);
        free(ws);
        return 0;
    }
    for (int64_t g = 0; g < groups; g++)
        for (int c = 0; c < 4; c++) {
            const char *row = (const char *)x + (size_t)(g * 4 + c) * x_stride;
            for (int64_t i = 0; i < nb; i++) {
                float *slot = xs + (g * nb + i) * xper;
                if (q41) {
                    slot[c] = h2f_fast(((const block_q8_1 *)row)[i].d);
                    slot[4 + c] = h2f_fast(((const block_q8_1 *)row)[i].s);
                } else {
                    slot[c] = h2f_fast(((const block_q8_0 *)row)[i].d);
                }
            }
        }
    for (int64_t r0 = row_begin; r0 < row_end; r0 += ROWS) {
        const int64_t r1 = r0 + ROWS < row_end ? r0 + ROWS : row_end;
        const int64_t pairs = (r1 - r0) / 2;
        for (int64_t p = 0; p < pairs; p++)
            for (int r = 0; r < 2; r++) {
                const char *row = (const char *)w + (size_t)(r0 + 2 * p + r) * w_row;
                for (int64_t i = 0; i < nb; i++) {
                    float *slot = ws + (p * nb + i) * wper;
                    const float d = q41 ? h2f_fast(((const block_q4_1 *)row)[i].d) : h2f_fast(((const block_q8_0 *)row)[i].d);
                    for (int k = 0; k < 4; k++) slot[r * 4 + k] = d;
                    if (q41) {
                        const float m = h2f_fast(((const block_q4_1 *)row)[i].m);
                        for (int k = 0; k < 4; k++) slot[8 + r * 4 + k] = m;
                    }
                }
            }
        for (int64_t g = 0; g < groups; g++) {
            const char *xg = (const char *)x + (size_t)(g * 4) * x_stride;
            for (int64_t p = 0; p < pairs; p++) {
                const int64_t r = r0 + 2 * p;
                const char *w0 = (const char *)w + (size_t)r * w_row, *w1 = w0 + w_row;
                float *o = out + g * 4 * out_stride + r;
                if (q41) {
                    tile_q4_1_2x4_scaled(nb, (const block_q4_1 *)w0, (const block_q4_1 *)w1, xg, x_stride, ws + p * nb * wper, xs + g * nb * xper, o, out_stride);
                } else {
                    tile_q8_0_2x4_scaled(nb, (const block_q8_0 *)w0, (const block_q8_0 *)w1, xg, x_stride, ws + p * nb * wper, xs + g * nb * xper, o, out_stride);
                }
            }
            if (r0 + 2 * pairs < r1) {
                const int64_t r = r1 - 1;
                const char *wr = (const char *)w + (size_t)r * w_row;
                for (int c = 0; c < 4; c++) {
                    const char *xc = xg + (size_t)c * x_stride;
                    out[(g * 4 + c) * out_stride + r] = q41 ? sk_dot_q4_1_avx2(n, (const block_q4_1 *)wr, (const block_q8_1 *)xc)
                                                            : sk_dot_q8_0_avx2(n, (const block_q8_0 *)wr, (const block_q8_0 *)xc);
                }
            }
        }
    }
    free(xs);
    free(ws);
    return 1;
}

SK_AVX2 void sk_tile_q4_1_4x1_avx2(int64_t n, const void *w, size_t ws, const void *x, size_t xs, float *out, int64_t os) { tile_q4_1(n, w, ws, x, xs, out, os, 4, 1); }
SK_AVX2 void sk_tile_q4_1_2x4_avx2(int64_t n, const void *w, size_t ws, const void *x, size_t xs, float *out, int64_t os) { tile_q4_1(n, w, ws, x, xs, out, os, 2, 4); }
SK_AVX2 void sk_tile_q8_0_4x1_avx2(int64_t n, const void *w, size_t ws, const void *x, size_t xs, float *out, int64_t os) { tile_q8_0(n, w, ws, x, xs, out, os, 4, 1); }
SK_AVX2 void sk_tile_q8_0_2x4_avx2(int64_t n, const void *w, size_t ws, const void *x, size_t xs, float *out, int64_t os) { tile_q8_0(n, w, ws, x, xs, out, os, 2, 4); }

#else

int sk_matmul_scaled_avx2(int weight_type, int64_t n, const void *w, size_t w_row, int64_t row_begin, int64_t row_end, const void *x, size_t x_stride, int64_t nx, float *out, int64_t out_stride) {
    (void)weight_type; (void)n; (void)w; (void)w_row; (void)row_begin; (void)row_end; (void)x; (void)x_stride; (void)nx; (void)out; (void)out_stride;
    return 0;
}

void sk_tile_q4_1_4x1_avx2(int64_t n, const void *w, size_t ws, const void *x, size_t xs, float *out, int64_t os) { (void)n; (void)w; (void)ws; (void)x; (void)xs; (void)out; (void)os; }
void sk_tile_q4_1_2x4_avx2(int64_t n, const void *w, size_t ws, const void *x, size_t xs, float *out, int64_t os) { (void)n; (void)w; (void)ws; (void)x; (void)xs; (void)out; (void)os; }
void sk_tile_q8_0_4x1_avx2(int64_t n, const void *w, size_t ws, const void *x, size_t xs, float *out, int64_t os) { (void)n; (void)w; (void)ws; (void)x; (void)xs; (void)out; (void)os; }
void sk_tile_q8_0_2x4_avx2(int64_t n, const void *w, size_t ws, const void *x, size_t xs, float *out, int64_t os) { (void)n; (void)w; (void)ws; (void)x; (void)xs; (void)out; (void)os; }

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
