// Private block layouts (identical to ggml) and helpers shared by the kernel files.
#pragma once
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"

#define QK 32
#define QK_K 256

typedef struct { uint16_t d; uint8_t qs[QK / 2]; } block_q4_0;
typedef struct { uint16_t d; uint16_t m; uint8_t qs[QK / 2]; } block_q4_1;
typedef struct { uint16_t d; uint8_t qh[4]; uint8_t qs[QK / 2]; } block_q5_0;
typedef struct { uint16_t d; uint16_t m; uint8_t qh[4]; uint8_t qs[QK / 2]; } block_q5_1;
typedef struct { uint16_t d; int8_t qs[QK]; } block_q8_0;
typedef struct { uint16_t d; uint16_t s; int8_t qs[QK]; } block_q8_1;
typedef struct { uint16_t d; uint16_t dmin; uint8_t scales[12]; uint8_t qs[QK_K / 2]; } block_q4_K;
typedef struct { uint8_t ql[QK_K / 2]; uint8_t qh[QK_K / 4]; int8_t scales[QK_K / 16]; uint16_t d; } block_q6_K;
typedef struct { float d; int8_t qs[QK_K]; int16_t bsums[QK_K / 16]; } block_q8_K;

_Static_assert(sizeof(block_q4_0) == 18, "q4_0");
_Static_assert(sizeof(block_q4_1) == 20, "q4_1");
_Static_assert(sizeof(block_q5_0) == 22, "q5_0");
_Static_assert(sizeof(block_q5_1) == 24, "q5_1");
_Static_assert(sizeof(block_q8_0) == 34, "q8_0");
_Static_assert(sizeof(block_q8_1) == 36, "q8_1");
_Static_assert(sizeof(block_q4_K) == 144, "q4_K");
_Static_assert(sizeof(block_q6_K) == 210, "q6_K");
_Static_assert(sizeof(block_q8_K) == 292, "q8_K");

static inline float fp32_from_bits(uint32_t w) { float f; memcpy(&f, &w, 4); return f; }
static inline uint32_t fp32_to_bits(float f) { uint32_t w; memcpy(&w, &f, 4); return w; }

// Exact half -> float (the ggml bit trick).
static inline float h2f(uint16_t h) {
    const uint32_t w = (uint32_t)h << 16;
    const uint32_t sign = w & UINT32_C(0x80000000);
    const uint32_t two_w = w + w;
    const uint32_t exp_offset = UINT32_C(0xE0) << 23;
    const float exp_scale = 0x1.0p-112f;
    const float normalized_value = fp32_from_bits((two_w >> 4) + exp_offset) * exp_scale;
    const uint32_t magic_mask = UINT32_C(126) << 23;
    const float magic_bias = 0.5f;
    const float denormalized_value = fp32_from_bits((two_w >> 17) | magic_mask) - magic_bias;
    const uint32_t denormalized_cutoff = UINT32_C(1) << 27;
    const uint32_t result = sign | (two_w < denormalized_cutoff ? fp32_to_bits(denormalized_value) : fp32_to_bits(normalized_value));
    return fp32_from_bits(result);
}

// Float -> half, round to nearest even (the ggml bit trick).
static inline uint16_t f2h(float f) {
    const float scale_to_inf = 0x1.0p+112f;
    const float scale_to_zero = 0x1.0p-110f;
    float base = (fabsf(f) * scale_to_inf) * scale_to_zero;
    const uint32_t w = fp32_to_bits(f);
    const uint32_t shl1_w = w + w;
    const uint32_t sign = w & UINT32_C(0x80000000);
    uint32_t bias = shl1_w & UINT32_C(0xFF000000);
    if (bias < UINT32_C(0x71000000)) bias = UINT32_C(0x71000000);
    base = fp32_from_bits((bias >> 1) + UINT32_C(0x07800000)) + base;
    const uint32_t bits = fp32_to_bits(base);
    const uint32_t exp_bits = (bits >> 13) & UINT32_C(0x00007C00);
    const uint32_t mantissa_bits = bits & UINT32_C(0x00000FFF);
    const uint32_t nonsign = exp_bits + mantissa_bits;
    return (uint16_t)((sign >> 16) | (shl1_w > UINT32_C(0xFF000000) ? UINT16_C(0x7E00) : nonsign));
}

static inline float bf2f(uint16_t h) { return fp32_from_bits((uint32_t)h << 16); }

// Q4_K 6-bit scale/min unpacking.
static inline void get_scale_min_k4(int j, const uint8_t *q, uint8_t *d, uint8_t *m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4);
    }
}

// Scalar dot products (kernels_dot_scalar.c).
float sk_dot_f32_scalar(int64_t n, const float *w, const float *x);
float sk_dot_f16_scalar(int64_t n, const uint16_t *w, const float *x);
float sk_dot_bf16_scalar(int64_t n, const uint16_t *w, const float *x);
float sk_dot_q4_0_scalar(int64_t n, const block_q4_0 *w, const block_q8_0 *x);
float sk_dot_q4_1_scalar(int64_t n, const block_q4_1 *w, const block_q8_1 *x);
float sk_dot_q5_0_scalar(int64_t n, const block_q5_0 *w, const block_q8_0 *x);
float sk_dot_q5_1_scalar(int64_t n, const block_q5_1 *w, const block_q8_1 *x);
float sk_dot_q8_0_scalar(int64_t n, const block_q8_0 *w, const block_q8_0 *x);
float sk_dot_q4_K_scalar(int64_t n, const block_q4_K *w, const block_q8_K *x);
float sk_dot_q6_K_scalar(int64_t n, const block_q6_K *w, const block_q8_K *x);

// AVX2 dot products (kernels_dot_avx2.c); only call when sk_cpu_has_avx2().
float sk_dot_f32_avx2(int64_t n, const float *w, const float *x);
float sk_dot_f16_avx2(int64_t n, const uint16_t *w, const float *x);
float sk_dot_q4_0_avx2(int64_t n, const block_q4_0 *w, const block_q8_0 *x);
float sk_dot_q4_1_avx2(int64_t n, const block_q4_1 *w, const block_q8_1 *x);
float sk_dot_q8_0_avx2(int64_t n, const block_q8_0 *w, const block_q8_0 *x);

// Multi-column AVX2 micro-kernels: one weight row against 4 activation rows.
void sk_dot4_q4_1_avx2(int64_t n, const block_q4_1 *w, const void *x, size_t x_stride, float *out4);
void sk_dot4_q8_0_avx2(int64_t n, const block_q8_0 *w, const void *x, size_t x_stride, float *out4);
void sk_dot4_q4_0_avx2(int64_t n, const block_q4_0 *w, const void *x, size_t x_stride, float *out4);

// Q4_1 or Q8_0 weights x Q8_1 / Q8_0 activations, rows [row_begin, row_end) x all nx activation rows, one
// weight row against up to 8 activation rows at a time (kernels_batched_avx2.c). Every result has the bits
// of the single dot. Returns 0, having written nothing, for other types or when its scratch could not be
// allocated. Only called when sk_cpu_has_avx2().
int sk_matmul_batched_avx2(int weight_type, int64_t n, const void *w, size_t w_row, int64_t row_begin, int64_t row_end,
                           const void *x, size_t x_stride, int64_t nx, float *out, int64_t out_stride);

// AVX2 decode tiles: 4 weight rows (`w_stride` bytes apart) x one activation row, into out[0..3]. Only
// called when sk_cpu_has_avx2().
typedef void (*sk_tile_fn)(int64_t n, const void *w, size_t w_stride, const void *x, float *out);
void sk_tile_q4_1_4x1_avx2(int64_t n, const void *w, size_t w_stride, const void *x, float *out);
void sk_tile_q8_0_4x1_avx2(int64_t n, const void *w, size_t w_stride, const void *x, float *out);
