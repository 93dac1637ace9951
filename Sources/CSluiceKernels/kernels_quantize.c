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

#if defined(__x86_64__)
#include <immintrin.h>
#define SK_AVX2 __attribute__((target("avx2,fma,f16c")))

// One block of 32: amax, then q = round-half-even(x * id) (same scalar `id` and rounding as the scalar
// path, element by element, so the bytes are identical). Returns the integer sum of the 32 quants.
SK_AVX2 static inline int quantize_block_avx2(const float *xb, int8_t *qs, float *d_out) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 v0 = _mm256_loadu_ps(xb), v1 = _mm256_loadu_ps(xb + 8), v2 = _mm256_loadu_ps(xb + 16), v3 = _mm256_loadu_ps(xb + 24);
    __m256 m = _mm256_max_ps(_mm256_andnot_ps(sign, v0), _mm256_andnot_ps(sign, v1));
    m = _mm256_max_ps(m, _mm256_max_ps(_mm256_andnot_ps(sign, v2), _mm256_andnot_ps(sign, v3)));
    __m128 h = _mm_max_ps(_mm256_extractf128_ps(m, 1), _mm256_castps256_ps128(m));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_movehdup_ps(h));
    const float amax = _mm_cvtss_f32(h);
    *d_out = amax / 127.0f;
    const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    const __m256 mul = _mm256_set1_ps(id);
#define SK_RND (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
    __m256i i0 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v0, mul), SK_RND));
    __m256i i1 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v1, mul), SK_RND));
    __m256i i2 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v2, mul), SK_RND));
    __m256i i3 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v3, mul), SK_RND));
    const __m256i sum = _mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3));
    __m128i s = _mm_add_epi32(_mm256_extracti128_si256(sum, 1), _mm256_castsi256_si128(sum));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    // Pack to bytes and undo the lane interleave of packs (ggml's sequence).
    i0 = _mm256_packs_epi32(i0, i1);
    i2 = _mm256_packs_epi32(i2, i3);
    i0 = _mm256_packs_epi16(i0, i2);
    i0 = _mm256_permutevar8x32_epi32(i0, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256((__m256i *)qs, i0);
    return _mm_cvtsi128_si32(s);
}

SK_AVX2 static void quantize_q8_0_avx2(const float *x, block_q8_0 *y, int64_t n) {
    for (int64_t i = 0; i < n / QK; i++) {
        float d;
        (void)quantize_block_avx2(x + i * QK, y[i].qs, &d);
        y[i].d = f2h(d);
    }
}

SK_AVX2 static void quantize_q8_1_avx2(const float *x, block_q8_1 *y, int64_t n) {
    for (int64_t i = 0; i < n / QK; i++) {
        float d;
        const int sum = quantize_block_avx2(x + i * QK, y[i].qs, &d);
        y[i].d = f2h(d);
        y[i].s = f2h(d * (float)sum);
    }
}
#endif

void sk_quantize_row(int type, const float *x, void *y, int64_t n) {
#if defined(__x86_64__)
    if (sk_cpu_has_avx2()) {
        if (type == SK_TYPE_Q8_0) { quantize_q8_0_avx2(x, y, n); return; }
        if (type == SK_TYPE_Q8_1) { quantize_q8_1_avx2(x, y, n); return; }
    }
#endif
    switch (type) {
    case SK_TYPE_Q8_0: quantize_q8_0(x, y, n); break;
    case SK_TYPE_Q8_1: quantize_q8_1(x, y, n); break;
    case SK_TYPE_Q8_K: quantize_q8_K(x, y, n); break;
    case SK_TYPE_F32: memcpy(y, x, (size_t)n * 4); break;
    default: break;
    }
}
