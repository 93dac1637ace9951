// Element-wise and row ops: RMSNorm, SiLU x mul, RoPE, softmax.
#include "kernels_internal.h"

void sk_rmsnorm(const float *x, const float *weight, float *out, int64_t n, float eps) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) sum += (double)(x[i] * x[i]);
    const float mean = (float)(sum / (double)n);
    const float scale = 1.0f / sqrtf(mean + eps);
    for (int64_t i = 0; i < n; i++) out[i] = (x[i] * scale) * weight[i];
}

#if defined(__x86_64__)
#include <immintrin.h>
#define SK_AVX2 __attribute__((target("avx2,fma,f16c")))

// ggml_v_expf: ARM-derived vector exp (max error ~1.5 ulp), reproduced so SiLU matches llama.cpp bit for bit.
SK_AVX2 static inline __m256 v_expf(__m256 x) {
    const __m256 r = _mm256_set1_ps(0x1.8p23f);
    const __m256 z = _mm256_fmadd_ps(x, _mm256_set1_ps(0x1.715476p+0f), r);
    const __m256 n = _mm256_sub_ps(z, r);
    const __m256 b = _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.7f7d1cp-20f), _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.62e4p-1f), x));
    const __m256i e = _mm256_slli_epi32(_mm256_castps_si256(z), 23);
    const __m256 k = _mm256_castsi256_ps(_mm256_add_epi32(e, _mm256_castps_si256(_mm256_set1_ps(1))));
    const __m256i c = _mm256_castps_si256(_mm256_cmp_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.f), n), _mm256_set1_ps(126), _CMP_GT_OQ));
    const __m256 u = _mm256_mul_ps(b, b);
    const __m256 j = _mm256_fmadd_ps(
        _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(0x1.0e4020p-7f), b, _mm256_set1_ps(0x1.573e2ep-5f)), u,
                        _mm256_fmadd_ps(_mm256_set1_ps(0x1.555e66p-3f), b, _mm256_set1_ps(0x1.fffdb6p-2f))),
        u, _mm256_mul_ps(_mm256_set1_ps(0x1.ffffecp-1f), b));
    if (!_mm256_movemask_ps(_mm256_castsi256_ps(c))) return _mm256_fmadd_ps(j, k, k);
    const __m256i g = _mm256_and_si256(_mm256_castps_si256(_mm256_cmp_ps(n, _mm256_setzero_ps(), _CMP_LE_OQ)), _mm256_set1_epi32((int)0x82000000u));
    const __m256 s1 = _mm256_castsi256_ps(_mm256_add_epi32(g, _mm256_set1_epi32(0x7f000000)));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_sub_epi32(e, g));
    const __m256i d = _mm256_castps_si256(_mm256_cmp_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.f), n), _mm256_set1_ps(192), _CMP_GT_OQ));
    return _mm256_or_ps(
        _mm256_and_ps(_mm256_castsi256_ps(d), _mm256_mul_ps(s1, s1)),
        _mm256_andnot_ps(_mm256_castsi256_ps(d),
                         _mm256_or_ps(_mm256_and_ps(_mm256_castsi256_ps(c), _mm256_mul_ps(_mm256_fmadd_ps(s2, j, s2), s1)),
                                      _mm256_andnot_ps(_mm256_castsi256_ps(c), _mm256_fmadd_ps(k, j, k)))));
}

SK_AVX2 static int64_t silu_mul_avx2(float *gate, const float *up, int64_t n) {
    int64_t i = 0;
    const __m256 one = _mm256_set1_ps(1);
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(gate + i);
        const __m256 e = v_expf(_mm256_sub_ps(_mm256_setzero_ps(), x));
        const __m256 silu = _mm256_div_ps(x, _mm256_add_ps(one, e));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(silu, _mm256_loadu_ps(up + i)));
    }
    return i;
}
#endif

void sk_silu_mul(float *gate, const float *up, int64_t n) {
    int64_t start = 0;
#if defined(__x86_64__)
    if (sk_cpu_has_avx2()) start = silu_mul_avx2(gate, up, n);
#endif
    for (int64_t i = start; i < n; i++) {
        const float g = gate[i];
        gate[i] = (g / (1.0f + expf(-g))) * up[i];
    }
}

void sk_rope_cache(float *cache, int64_t n_dims, int64_t pos, float freq_base) {
    // theta_i = pos * base^(-2i/n_dims), by repeated multiplication in float as ggml does.
    const float theta_scale = powf(freq_base, -2.0f / (float)n_dims);
    float theta = (float)pos;
    for (int64_t i0 = 0; i0 < n_dims; i0 += 2) {
        cache[i0 + 0] = cosf(theta);
        cache[i0 + 1] = sinf(theta);
        theta *= theta_scale;
    }
}

// ggml (built by GCC with FMA) evaluates `x0*c - x1*s` as fma(x0, c, -(x1*s)) and `x0*s + x1*c` as
// fma(x0, s, x1*c); the FMA build reproduces that rounding exactly.
#if defined(__x86_64__)
SK_AVX2 static void rope_apply_fma(float *x, const float *cache, int64_t n_heads, int64_t head_dim, int64_t n_dims, int neox) {
    const int64_t step = neox ? n_dims / 2 : 1;
    for (int64_t h = 0; h < n_heads; h++) {
        float *v = x + h * head_dim;
        for (int64_t i0 = 0; i0 < n_dims; i0 += 2) {
            const int64_t a = neox ? i0 / 2 : i0;
            const float c = cache[i0], s = cache[i0 + 1];
            const float x0 = v[a], x1 = v[a + step];
            v[a] = fmaf(x0, c, -(x1 * s));
            v[a + step] = fmaf(x0, s, x1 * c);
        }
    }
}
#endif

void sk_rope_apply(float *x, const float *cache, int64_t n_heads, int64_t head_dim, int64_t n_dims, int neox) {
#if defined(__x86_64__)
    if (sk_cpu_has_avx2()) {
        rope_apply_fma(x, cache, n_heads, head_dim, n_dims, neox);
        return;
    }
#endif
    const int64_t step = neox ? n_dims / 2 : 1;
    for (int64_t h = 0; h < n_heads; h++) {
        float *v = x + h * head_dim;
        for (int64_t i0 = 0; i0 < n_dims; i0 += 2) {
            const int64_t a = neox ? i0 / 2 : i0;
            const float c = cache[i0], s = cache[i0 + 1];
            const float x0 = v[a], x1 = v[a + step];
            v[a] = x0 * c - x1 * s;
            v[a + step] = x0 * s + x1 * c;
        }
    }
}

void sk_rope(float *x, int64_t n_heads, int64_t head_dim, int64_t n_dims, int64_t pos, float freq_base, int neox) {
    float cache[1024];
    const int64_t dims = n_dims < 1024 ? n_dims : 1024;
    sk_rope_cache(cache, dims, pos, freq_base);
    sk_rope_apply(x, cache, n_heads, head_dim, dims, neox);
}

void sk_add(float *out, const float *x, int64_t n) {
    for (int64_t i = 0; i < n; i++) out[i] += x[i];
}

#if defined(__x86_64__)
// The sampler's log-normaliser over the whole vocabulary, once per generated token: v_expf (max error
// ~1.5 ulp) instead of libm's expf, summed in double as the scalar loop does.
SK_AVX2 static float logsumexp_avx2(const float *x, int64_t n) {
    int64_t i = 0;
    __m256 vmax = _mm256_set1_ps(-INFINITY);
    // max(x, acc) returns acc when x is NaN: NaNs are skipped, as in the scalar loop.
    for (; i + 8 <= n; i += 8) vmax = _mm256_max_ps(_mm256_loadu_ps(x + i), vmax);
    float lanes[8];
    _mm256_storeu_ps(lanes, vmax);
    float max = -INFINITY;
    for (int k = 0; k < 8; k++) max = lanes[k] > max ? lanes[k] : max;
    for (int64_t t = i; t < n; t++) max = x[t] > max ? x[t] : max;
    if (max == -INFINITY) return -INFINITY;
    const __m256 vm = _mm256_set1_ps(max);
    __m256d sum0 = _mm256_setzero_pd(), sum1 = _mm256_setzero_pd();
    for (i = 0; i + 8 <= n; i += 8) {
        const __m256 e = v_expf(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm));
        sum0 = _mm256_add_pd(sum0, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        sum1 = _mm256_add_pd(sum1, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    double parts[4];
    _mm256_storeu_pd(parts, _mm256_add_pd(sum0, sum1));
    double sum = (parts[0] + parts[1]) + (parts[2] + parts[3]);
    for (; i < n; i++) sum += (double)expf(x[i] - max);
    return (float)(log(sum) + (double)max);
}
#endif

float sk_logsumexp(const float *x, int64_t n) {
#if defined(__x86_64__)
    if (sk_cpu_has_avx2()) return logsumexp_avx2(x, n);
#endif
    float max = -INFINITY;
    for (int64_t i = 0; i < n; i++) max = x[i] > max ? x[i] : max;
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) sum += (double)expf(x[i] - max);
    return (float)(log(sum) + (double)max);
}

float sk_softmax(float *x, int64_t n) {
    float max = -INFINITY;
    for (int64_t i = 0; i < n; i++) max = x[i] > max ? x[i] : max;
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const float e = expf(x[i] - max);
        x[i] = e;
        sum += (double)e;
    }
    const float inv = (float)(1.0 / sum);
    for (int64_t i = 0; i < n; i++) x[i] *= inv;
    return (float)(log(sum) + (double)max);
}
