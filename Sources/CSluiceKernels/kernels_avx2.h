// AVX2 helpers shared by the AVX2 kernel files, in ggml's arithmetic (x86-64 only).
#pragma once

#if defined(__x86_64__)
#include <immintrin.h>

#define SK_AVX2 __attribute__((target("avx2,fma,f16c")))

// ggml's hsum_float_8, in its order: (x0+x4 + x2+x6) + (x1+x5 + x3+x7).
SK_AVX2 static inline float hsum_float_8(const __m256 x) {
    __m128 res = _mm256_extractf128_ps(x, 1);
    res = _mm_add_ps(res, _mm256_castps256_ps128(x));
    res = _mm_add_ps(res, _mm_movehl_ps(res, res));
    res = _mm_add_ss(res, _mm_movehdup_ps(res));
    return _mm_cvtss_f32(res);
}

// Adjacent int16 pairs summed into 8 int32 lanes, as floats.
SK_AVX2 static inline __m256 sum_i16_pairs_float(const __m256i x) {
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_set1_epi16(1), x));
}

// The 8 int32 lanes of a block's products (4 adjacent ones each), as floats: ggml's mul_sum_us8_pairs_float.
SK_AVX2 static inline __m256 mul_sum_us8_pairs_float(const __m256i ax, const __m256i sy) {
    return sum_i16_pairs_float(_mm256_maddubs_epi16(ax, sy));
}

#endif
