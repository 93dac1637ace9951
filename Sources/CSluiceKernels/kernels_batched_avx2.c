// The batched matrix x matrix kernel (continuous-batching decode and prefill) for Q4_1 and Q8_0 weights:
// one weight row against up to 8 activation rows per pass, with AVX2/FMA/F16C chosen at run time.
#include "kernels_internal.h"

#if defined(__x86_64__)
#include "kernels_avx2.h"
#include <stdlib.h>

#define SK_INLINE __attribute__((always_inline)) static inline

// Activation rows per group: one weight row is unpacked once and multiplied against all of them.
enum { GROUP = 8, ROW_TILE = 16 };

// Floats of scales per block of a group: {d0..d7} and, for Q8_1, {s0..s7}.
enum { SCALES_Q8_0 = GROUP, SCALES_Q8_1 = 2 * GROUP };

// 32 nibbles -> 32 bytes, low nibbles in the first 16 and high nibbles in the last 16 (ggml's order): the
// 16 bytes go to both lanes and the upper lane is shifted by 4, which is one operation fewer than an insert.
SK_AVX2 SK_INLINE __m256i nibbles32(const uint8_t *p) {
    const __m256i b = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)p));
    return _mm256_and_si256(_mm256_srlv_epi32(b, _mm256_setr_epi32(0, 0, 0, 0, 4, 4, 4, 4)), _mm256_set1_epi8(0x0F));
}

// Before a weight row's main loop, its blocks' scale products with the group's rows are written to `dd`
// (nb x 8 floats) and its blocks' {d, m} to `dm`, so that the main loop broadcasts each pair's product
// straight from memory: a load, where a shuffle of a register would cost a vector operation per pair. The
// compiler barrier keeps those loads loads. (Written in the main loop itself, each load would wait on the
// store just made: measured 40% slower.)

// One Q4_1 row x C Q8_1 rows of a group: `q` holds per block the C rows' 32 quants (C x 32 bytes), `s` the
// group's scales. Per pair the arithmetic is sk_dot_q4_1_avx2's (ggml's): acc += (wd * yd) * the 8 lanes,
// summs = fma(wm, ys, summs), result hsum_float_8(acc) + summs, so every result has the bits of a single dot.
// The min terms are summed in the main loop, where their chain of dependent FMAs hides behind the pairs.
SK_AVX2 SK_INLINE void row_q4_1(int64_t nb, const block_q4_1 *w, const int8_t *q, const float *s, float *dd,
                                float *dm, float *out, int64_t out_stride, const int C) {
    for (int64_t i = 0; i < nb; i++) {
        int32_t h;
        memcpy(&h, &w[i], sizeof h);
        const __m128 f = _mm_cvtph_ps(_mm_cvtsi32_si128(h));
        _mm256_store_ps(dd + i * GROUP, _mm256_mul_ps(_mm256_broadcastss_ps(f), _mm256_load_ps(s + i * SCALES_Q8_1)));
        _mm_storel_pi((__m64 *)(dm + 2 * i), f);
    }
    __asm__ volatile("" ::: "memory");
    __m256 summs = _mm256_setzero_ps();
    __m256 acc[GROUP];
    for (int c = 0; c < C; c++) acc[c] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        summs = _mm256_fmadd_ps(_mm256_broadcast_ss(dm + 2 * i + 1), _mm256_load_ps(s + i * SCALES_Q8_1 + GROUP), summs);
        const __m256i qx = nibbles32(w[i].qs);
        const int8_t *qi = q + i * C * QK;
        for (int c = 0; c < C; c++) {
            const __m256 xy = mul_sum_us8_pairs_float(qx, _mm256_load_si256((const __m256i *)(qi + c * QK)));
            acc[c] = _mm256_fmadd_ps(_mm256_broadcast_ss(dd + i * GROUP + c), xy, acc[c]);
        }
    }
    float sm[GROUP];
    _mm256_storeu_ps(sm, summs);
    for (int c = 0; c < C; c++) out[c * out_stride] = hsum_float_8(acc[c]) + sm[c];
}

// One Q8_0 row x C Q8_0 rows of a group; per pair the arithmetic of sk_dot_q8_0_avx2.
SK_AVX2 SK_INLINE void row_q8_0(int64_t nb, const block_q8_0 *w, const int8_t *q, const float *s, float *dd,
                                float *out, int64_t out_stride, const int C) {
    for (int64_t i = 0; i < nb; i++) {
        const __m128 f = _mm_cvtph_ps(_mm_cvtsi32_si128(w[i].d));
        _mm256_store_ps(dd + i * GROUP, _mm256_mul_ps(_mm256_broadcastss_ps(f), _mm256_load_ps(s + i * SCALES_Q8_0)));
    }
    __asm__ volatile("" ::: "memory");
    __m256 acc[GROUP];
    for (int c = 0; c < C; c++) acc[c] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const __m256i qx = _mm256_loadu_si256((const __m256i *)w[i].qs);
        const __m256i ax = _mm256_sign_epi8(qx, qx);
        const int8_t *qi = q + i * C * QK;
        for (int c = 0; c < C; c++) {
            const __m256 xy = mul_sum_us8_pairs_float(ax, _mm256_sign_epi8(_mm256_load_si256((const __m256i *)(qi + c * QK)), qx));
            acc[c] = _mm256_fmadd_ps(_mm256_broadcast_ss(dd + i * GROUP + c), xy, acc[c]);
        }
    }
    for (int c = 0; c < C; c++) out[c * out_stride] = hsum_float_8(acc[c]);
}

// Rows of group `g` (of C rows) in the block-interleaved layout the row kernels read.
SK_AVX2 static void pack_group(int q41, int64_t nb, const char *x, size_t x_stride, int64_t first, int C, int8_t *q, float *s) {
    const int64_t per = q41 ? SCALES_Q8_1 : SCALES_Q8_0;
    for (int c = 0; c < C; c++) {
        const char *row = x + (size_t)(first + c) * x_stride;
        for (int64_t i = 0; i < nb; i++) {
            int8_t *qs = q + (i * C + c) * QK;
            float *sl = s + i * per;
            if (q41) {
                const block_q8_1 *b = (const block_q8_1 *)row + i;
                memcpy(qs, b->qs, QK);
                sl[c] = _cvtsh_ss(b->d);
                sl[GROUP + c] = _cvtsh_ss(b->s);
            } else {
                const block_q8_0 *b = (const block_q8_0 *)row + i;
                memcpy(qs, b->qs, QK);
                sl[c] = _cvtsh_ss(b->d);
            }
        }
    }
}

// Rows in group `g` of `nx` activation rows: GROUP, or what is left for the last group.
static inline int group_rows(int64_t nx, int64_t g) { return nx - g * GROUP < GROUP ? (int)(nx - g * GROUP) : GROUP; }

#define SK_ROW_CASE(K)                                                                                 \
    case K:                                                                                            \
        if (q41) row_q4_1(nb, (const block_q4_1 *)wr, qg, sg, dd, dm, o, out_stride, K);                  \
        else row_q8_0(nb, (const block_q8_0 *)wr, qg, sg, dd, o, out_stride, K);                      \
        break;

SK_AVX2 int sk_matmul_batched_avx2(int weight_type, int64_t n, const void *w, size_t w_row, int64_t row_begin, int64_t row_end,
                                   const void *x, size_t x_stride, int64_t nx, float *out, int64_t out_stride) {
    const int q41 = weight_type == SK_TYPE_Q4_1;
    if ((!q41 && weight_type != SK_TYPE_Q8_0) || nx < 1) return 0;
    const int64_t nb = n / QK, groups = (nx + GROUP - 1) / GROUP;
    const int64_t per = q41 ? SCALES_Q8_1 : SCALES_Q8_0;
    // One allocation: the packed quants, the scales, then one row's scale products and {d, m} (32-aligned).
    const size_t qbytes = (size_t)(groups * nb * GROUP * QK);
    const size_t sbytes = (size_t)(groups * nb * per) * sizeof(float);
    const size_t ddbytes = (size_t)(nb * GROUP) * sizeof(float);
    const size_t dmbytes = (size_t)(nb * 2) * sizeof(float);
    char *scratch = aligned_alloc(32, (qbytes + sbytes + ddbytes + dmbytes + 31) / 32 * 32 + 32);
    if (!scratch) return 0;
    int8_t *q = (int8_t *)scratch;
    float *s = (float *)(scratch + qbytes);
    float *dd = (float *)(scratch + qbytes + sbytes);
    float *dm = (float *)(scratch + qbytes + sbytes + ddbytes);
    // The lanes of a group of fewer than 8 rows stay zero: never a NaN or a denormal in a multiply.
    memset(s, 0, sbytes);
    for (int64_t g = 0; g < groups; g++) {
        const int C = group_rows(nx, g);
        pack_group(q41, nb, (const char *)x, x_stride, g * GROUP, C, q + g * nb * GROUP * QK, s + g * nb * per);
    }
    // A tile of weight rows stays in L1 while every group passes it.
    for (int64_t r0 = row_begin; r0 < row_end; r0 += ROW_TILE) {
        const int64_t r1 = r0 + ROW_TILE < row_end ? r0 + ROW_TILE : row_end;
        for (int64_t g = 0; g < groups; g++) {
            const int C = group_rows(nx, g);
            const int8_t *qg = q + g * nb * GROUP * QK;
            const float *sg = s + g * nb * per;
            for (int64_t r = r0; r < r1; r++) {
                const char *wr = (const char *)w + (size_t)r * w_row;
                float *o = out + g * GROUP * out_stride + r;
                switch (C) {
                    SK_ROW_CASE(1) SK_ROW_CASE(2) SK_ROW_CASE(3) SK_ROW_CASE(4)
                    SK_ROW_CASE(5) SK_ROW_CASE(6) SK_ROW_CASE(7) SK_ROW_CASE(8)
                }
            }
        }
    }
    free(scratch);
    return 1;
}

#else

int sk_matmul_batched_avx2(int weight_type, int64_t n, const void *w, size_t w_row, int64_t row_begin, int64_t row_end,
                           const void *x, size_t x_stride, int64_t nx, float *out, int64_t out_stride) {
    (void)weight_type; (void)n; (void)w; (void)w_row; (void)row_begin; (void)row_end; (void)x; (void)x_stride; (void)nx; (void)out; (void)out_stride;
    return 0;
}

#endif
