// Element-wise and row ops: RMSNorm, SiLU x mul, RoPE, softmax.
#include "kernels_internal.h"

void sk_rmsnorm(const float *x, const float *weight, float *out, int64_t n, float eps) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) sum += (double)(x[i] * x[i]);
    const float mean = (float)(sum / (double)n);
    const float scale = 1.0f / sqrtf(mean + eps);
    for (int64_t i = 0; i < n; i++) out[i] = (x[i] * scale) * weight[i];
}

void sk_silu_mul(float *gate, const float *up, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
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

void sk_rope_apply(float *x, const float *cache, int64_t n_heads, int64_t head_dim, int64_t n_dims, int neox) {
    for (int64_t h = 0; h < n_heads; h++) {
        float *v = x + h * head_dim;
        if (neox) {
            const int64_t half = n_dims / 2;
            for (int64_t i0 = 0; i0 < n_dims; i0 += 2) {
                const float c = cache[i0], s = cache[i0 + 1];
                const float x0 = v[i0 / 2], x1 = v[i0 / 2 + half];
                v[i0 / 2] = x0 * c - x1 * s;
                v[i0 / 2 + half] = x0 * s + x1 * c;
            }
        } else {
            for (int64_t i0 = 0; i0 < n_dims; i0 += 2) {
                const float c = cache[i0], s = cache[i0 + 1];
                const float x0 = v[i0], x1 = v[i0 + 1];
                v[i0] = x0 * c - x1 * s;
                v[i0 + 1] = x0 * s + x1 * c;
            }
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

float sk_logsumexp(const float *x, int64_t n) {
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
