// Dot-product dispatch and the row-range matrix x matrix kernel used by every projection.
#include "kernels_internal.h"

typedef void (*dot4_fn)(int64_t n, const void *w, const void *x, size_t x_stride, float *out4);
typedef float (*dot1_fn)(int64_t n, const void *w, const void *x);

static dot4_fn dot4_for(int weight_type, int avx2) {
    if (!avx2) return 0;
    switch (weight_type) {
    case SK_TYPE_Q4_0: return (dot4_fn)sk_dot4_q4_0_avx2;
    case SK_TYPE_Q4_1: return (dot4_fn)sk_dot4_q4_1_avx2;
    case SK_TYPE_Q8_0: return (dot4_fn)sk_dot4_q8_0_avx2;
    default: return 0;
    }
}

static dot1_fn dot1_for(int weight_type, int avx2) {
    switch (weight_type) {
    case SK_TYPE_F32: return avx2 ? (dot1_fn)sk_dot_f32_avx2 : (dot1_fn)sk_dot_f32_scalar;
    case SK_TYPE_F16: return avx2 ? (dot1_fn)sk_dot_f16_avx2 : (dot1_fn)sk_dot_f16_scalar;
    case SK_TYPE_BF16: return (dot1_fn)sk_dot_bf16_scalar;
    case SK_TYPE_Q4_0: return avx2 ? (dot1_fn)sk_dot_q4_0_avx2 : (dot1_fn)sk_dot_q4_0_scalar;
    case SK_TYPE_Q4_1: return avx2 ? (dot1_fn)sk_dot_q4_1_avx2 : (dot1_fn)sk_dot_q4_1_scalar;
    case SK_TYPE_Q5_0: return (dot1_fn)sk_dot_q5_0_scalar;
    case SK_TYPE_Q5_1: return (dot1_fn)sk_dot_q5_1_scalar;
    case SK_TYPE_Q8_0: return avx2 ? (dot1_fn)sk_dot_q8_0_avx2 : (dot1_fn)sk_dot_q8_0_scalar;
    case SK_TYPE_Q4_K: return (dot1_fn)sk_dot_q4_K_scalar;
    case SK_TYPE_Q6_K: return (dot1_fn)sk_dot_q6_K_scalar;
    default: return 0;
    }
}

float sk_vec_dot(int weight_type, int64_t n, const void *w, const void *x, int simd) {
    const dot1_fn dot = dot1_for(weight_type, simd && sk_cpu_has_avx2());
    return dot ? dot(n, w, x) : 0.0f;
}

// Rows are processed in tiles so a tile of weights stays in cache while all activation rows stream past it.
#define ROW_TILE 16

// One activation row against rows row_begin..<row_end: 4 weight rows at a time where a tile exists (decode).
static void matmul_one_row(sk_tile_fn tile4x1, dot1_fn dot1, int64_t cols, const void *w, size_t w_row, int64_t row_begin,
                           int64_t row_end, const void *x, float *out) {
    int64_t r = row_begin;
    if (tile4x1) {
        for (; r + 4 <= row_end; r += 4) tile4x1(cols, (const char *)w + (size_t)r * w_row, w_row, x, out + r);
    }
    for (; r < row_end; r++) out[r] = dot1(cols, (const char *)w + (size_t)r * w_row, x);
}

void sk_matmul(int weight_type, const void *w, int64_t cols, int64_t row_begin, int64_t row_end,
               const void *x, size_t x_stride, int64_t nx, float *out, int64_t out_stride) {
    const int avx2 = sk_cpu_has_avx2();
    const size_t w_row = sk_row_size(weight_type, cols);
    const dot4_fn dot4 = nx >= 4 ? dot4_for(weight_type, avx2) : 0;
    const dot1_fn dot1 = dot1_for(weight_type, avx2);
    if (!dot1) return;
    sk_tile_fn tile4x1 = 0;
    if (avx2 && weight_type == SK_TYPE_Q4_1) tile4x1 = sk_tile_q4_1_4x1_avx2;
    else if (avx2 && weight_type == SK_TYPE_Q8_0) tile4x1 = sk_tile_q8_0_4x1_avx2;
    if (nx == 1) {
        matmul_one_row(tile4x1, dot1, cols, w, w_row, row_begin, row_end, x, out);
        return;
    }
    // Two or more activation rows (batched decode, prefill): one pass over each weight row serves up to 8.
    if (avx2 && sk_matmul_batched_avx2(weight_type, cols, w, w_row, row_begin, row_end, x, x_stride, nx, out, out_stride)) return;
    for (int64_t r0 = row_begin; r0 < row_end; r0 += ROW_TILE) {
        const int64_t r1 = r0 + ROW_TILE < row_end ? r0 + ROW_TILE : row_end;
        int64_t j = 0;
        if (dot4) {
            for (; j + 4 <= nx; j += 4) {
                const char *xj = (const char *)x + (size_t)j * x_stride;
                for (int64_t r = r0; r < r1; r++) {
                    float o[4];
                    dot4(cols, (const char *)w + (size_t)r * w_row, xj, x_stride, o);
                    out[(j + 0) * out_stride + r] = o[0];
                    out[(j + 1) * out_stride + r] = o[1];
                    out[(j + 2) * out_stride + r] = o[2];
                    out[(j + 3) * out_stride + r] = o[3];
                }
            }
        }
        for (; j < nx; j++) {
            const char *xj = (const char *)x + (size_t)j * x_stride;
            for (int64_t r = r0; r < r1; r++) out[j * out_stride + r] = dot1(cols, (const char *)w + (size_t)r * w_row, xj);
        }
    }
}
