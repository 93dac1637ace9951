// Activation quantization to Q8_0 / Q8_1 / Q8_K, with the rounding ggml's AVX2 path uses
// (scale 127/amax, round half to even) so integer dot products match llama.cpp.
#include "kernels_internal.h"

int sk_vec_dot_type(int weight_type) {
    switch (weight_type) {
    case SK_TYPE_F32: case SK_TYPE_F16: case SK_TYPE_BF16: return SK_TYPE_F32;
    case SK_TYPE_Q4_0: case SK_TYPE_Q5_0: case SK_TYPE_Q8_0: return SK_TYPE_Q8_0;
    case SK_TYPE_Q4_1: case SK_TYPE_Q5_1: return SK_TYPE_Q8_1;
    case SK_TYPE_Q4_K: case SK_TYPE_Q6_K: return SK_TYPE_Q8_K;
    default: return -1;
    }
}

static inline float block_amax(const float *x, int n) {
    float amax = 0.0f;
    for (int j = 0; j < n; j++) {
        const float a = fabsf(x[j]);
        amax = a > amax ? a : amax;
    }
    return amax;
}

static void quantize_q8_0(const float *x, block_q8_0 *y, int64_t n) {
    for (int64_t i = 0; i < n / QK; i++) {
        const float *xb = x + i * QK;
        const float amax = block_amax(xb, QK);
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[i].d = f2h(d);
        for (int j = 0; j < QK; j++) y[i].qs[j] = (int8_t)nearbyintf(xb[j] * id);
    }
}

static void quantize_q8_1(const float *x, block_q8_1 *y, int64_t n) {
    for (int64_t i = 0; i < n / QK; i++) {
        const float *xb = x + i * QK;
        const float amax = block_amax(xb, QK);
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[i].d = f2h(d);
        int sum = 0;
        for (int j = 0; j < QK; j++) {
            const int8_t q = (int8_t)nearbyintf(xb[j] * id);
            y[i].qs[j] = q;
            sum += q;
        }
        y[i].s = f2h(d * (float)sum);
    }
}

static inline int nearest_int(float fval) {
    float val = fval + 12582912.f;
    int i;
    memcpy(&i, &val, sizeof(int));
    return (i & 0x007fffff) - 0x00400000;
}

static void quantize_q8_K(const float *x, block_q8_K *y, int64_t n) {
    for (int64_t i = 0; i < n / QK_K; i++) {
        const float *xb = x + i * QK_K;
        float max = 0, amax = 0;
        for (int j = 0; j < QK_K; ++j) {
            const float ax = fabsf(xb[j]);
            if (ax > amax) {
                amax = ax;
                max = xb[j];
            }
        }
        if (!amax) {
            y[i].d = 0;
            memset(y[i].qs, 0, QK_K);
            memset(y[i].bsums, 0, sizeof(y[i].bsums));
            continue;
        }
        const float iscale = -127.f / max;
        for (int j = 0; j < QK_K; ++j) {
            const int v = nearest_int(iscale * xb[j]);
            y[i].qs[j] = (int8_t)(v < 127 ? v : 127);
        }
        for (int j = 0; j < QK_K / 16; ++j) {
            int sum = 0;
            for (int ii = 0; ii < 16; ++ii) sum += y[i].qs[j * 16 + ii];
            y[i].bsums[j] = (int16_t)sum;
        }
        y[i].d = 1 / iscale;
    }
}

void sk_quantize_row(int type, const float *x, void *y, int64_t n) {
    switch (type) {
    case SK_TYPE_Q8_0: quantize_q8_0(x, y, n); break;
    case SK_TYPE_Q8_1: quantize_q8_1(x, y, n); break;
    case SK_TYPE_Q8_K: quantize_q8_K(x, y, n); break;
    case SK_TYPE_F32: memcpy(y, x, (size_t)n * 4); break;
    default: break;
    }
}
