// Half-precision conversion, row sizes and dequantization of every supported weight type.
#include "kernels_internal.h"

int sk_cpu_has_avx2(void) {
#if defined(__x86_64__) || defined(__i386__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
    return 0;
#endif
}

float sk_fp16_to_fp32(uint16_t h) { return h2f(h); }
uint16_t sk_fp32_to_fp16(float f) { return f2h(f); }

void sk_fp16_to_fp32_row(const uint16_t *src, float *dst, int64_t n) {
    for (int64_t i = 0; i < n; i++) dst[i] = h2f(src[i]);
}

void sk_fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n) {
    for (int64_t i = 0; i < n; i++) dst[i] = f2h(src[i]);
}

size_t sk_row_size(int type, int64_t n) {
    switch (type) {
    case SK_TYPE_F32: return (size_t)n * 4;
    case SK_TYPE_F16: case SK_TYPE_BF16: return (size_t)n * 2;
    case SK_TYPE_Q4_0: return (size_t)(n / QK) * sizeof(block_q4_0);
    case SK_TYPE_Q4_1: return (size_t)(n / QK) * sizeof(block_q4_1);
    case SK_TYPE_Q5_0: return (size_t)(n / QK) * sizeof(block_q5_0);
    case SK_TYPE_Q5_1: return (size_t)(n / QK) * sizeof(block_q5_1);
    case SK_TYPE_Q8_0: return (size_t)(n / QK) * sizeof(block_q8_0);
    case SK_TYPE_Q8_1: return (size_t)(n / QK) * sizeof(block_q8_1);
    case SK_TYPE_Q4_K: return (size_t)(n / QK_K) * sizeof(block_q4_K);
    case SK_TYPE_Q6_K: return (size_t)(n / QK_K) * sizeof(block_q6_K);
    case SK_TYPE_Q8_K: return (size_t)(n / QK_K) * sizeof(block_q8_K);
    default: return 0;
    }
}

static void dequant_q4_0(const block_q4_0 *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n / QK; i++) {
        const float d = h2f(x[i].d);
        for (int j = 0; j < QK / 2; j++) {
            y[i * QK + j] = ((x[i].qs[j] & 0x0F) - 8) * d;
            y[i * QK + j + QK / 2] = ((x[i].qs[j] >> 4) - 8) * d;
        }
    }
}

static void dequant_q4_1(const block_q4_1 *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n / QK; i++) {
        const float d = h2f(x[i].d), m = h2f(x[i].m);
        for (int j = 0; j < QK / 2; j++) {
            y[i * QK + j] = (x[i].qs[j] & 0x0F) * d + m;
            y[i * QK + j + QK / 2] = (x[i].qs[j] >> 4) * d + m;
        }
    }
}

static void dequant_q5_0(const block_q5_0 *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n / QK; i++) {
        const float d = h2f(x[i].d);
        uint32_t qh;
        memcpy(&qh, x[i].qh, 4);
        for (int j = 0; j < QK / 2; j++) {
            const uint8_t xh0 = ((qh >> (j + 0)) << 4) & 0x10;
            const uint8_t xh1 = ((qh >> (j + 12))) & 0x10;
            y[i * QK + j] = (((x[i].qs[j] & 0x0F) | xh0) - 16) * d;
            y[i * QK + j + QK / 2] = (((x[i].qs[j] >> 4) | xh1) - 16) * d;
        }
    }
}

static void dequant_q5_1(const block_q5_1 *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n / QK; i++) {
        const float d = h2f(x[i].d), m = h2f(x[i].m);
        uint32_t qh;
        memcpy(&qh, x[i].qh, 4);
        for (int j = 0; j < QK / 2; j++) {
            const uint8_t xh0 = ((qh >> (j + 0)) << 4) & 0x10;
            const uint8_t xh1 = ((qh >> (j + 12))) & 0x10;
            y[i * QK + j] = ((x[i].qs[j] & 0x0F) | xh0) * d + m;
            y[i * QK + j + QK / 2] = ((x[i].qs[j] >> 4) | xh1) * d + m;
        }
    }
}

static void dequant_q8_0(const block_q8_0 *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n / QK; i++) {
        const float d = h2f(x[i].d);
        for (int j = 0; j < QK; j++) y[i * QK + j] = x[i].qs[j] * d;
    }
}

static void dequant_q4_K(const block_q4_K *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n / QK_K; i++) {
        const uint8_t *q = x[i].qs;
        const float d = h2f(x[i].d), min = h2f(x[i].dmin);
        int is = 0;
        uint8_t sc, m;
        for (int j = 0; j < QK_K; j += 64) {
            get_scale_min_k4(is + 0, x[i].scales, &sc, &m);
            const float d1 = d * sc, m1 = min * m;
            get_scale_min_k4(is + 1, x[i].scales, &sc, &m);
            const float d2 = d * sc, m2 = min * m;
            for (int l = 0; l < 32; ++l) *y++ = d1 * (q[l] & 0xF) - m1;
            for (int l = 0; l < 32; ++l) *y++ = d2 * (q[l] >> 4) - m2;
            q += 32;
            is += 2;
        }
    }
}

static void dequant_q6_K(const block_q6_K *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n / QK_K; i++) {
        const float d = h2f(x[i].d);
        const uint8_t *ql = x[i].ql;
        const uint8_t *qh = x[i].qh;
        const int8_t *sc = x[i].scales;
        for (int k = 0; k < QK_K; k += 128) {
            for (int l = 0; l < 32; ++l) {
                const int is = l / 16;
                const int8_t q1 = (int8_t)((ql[l + 0] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int8_t q2 = (int8_t)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int8_t q3 = (int8_t)((ql[l + 0] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int8_t q4 = (int8_t)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l + 0] = d * sc[is + 0] * q1;
                y[l + 32] = d * sc[is + 2] * q2;
                y[l + 64] = d * sc[is + 4] * q3;
                y[l + 96] = d * sc[is + 6] * q4;
            }
            y += 128;
            ql += 64;
            qh += 32;
            sc += 8;
        }
    }
}

int sk_dequantize_row(int type, const void *src, float *dst, int64_t n) {
    switch (type) {
    case SK_TYPE_F32: memcpy(dst, src, (size_t)n * 4); return 0;
    case SK_TYPE_F16: sk_fp16_to_fp32_row((const uint16_t *)src, dst, n); return 0;
    case SK_TYPE_BF16:
        for (int64_t i = 0; i < n; i++) dst[i] = bf2f(((const uint16_t *)src)[i]);
        return 0;
    case SK_TYPE_Q4_0: dequant_q4_0(src, dst, n); return 0;
    case SK_TYPE_Q4_1: dequant_q4_1(src, dst, n); return 0;
    case SK_TYPE_Q5_0: dequant_q5_0(src, dst, n); return 0;
    case SK_TYPE_Q5_1: dequant_q5_1(src, dst, n); return 0;
    case SK_TYPE_Q8_0: dequant_q8_0(src, dst, n); return 0;
    case SK_TYPE_Q4_K: dequant_q4_K(src, dst, n); return 0;
    case SK_TYPE_Q6_K: dequant_q6_K(src, dst, n); return 0;
    default: return -1;
    }
}
