// Portable dot products between weight rows and quantized activations (ggml's generic formulas).
#include "kernels_internal.h"

float sk_dot_f32_scalar(int64_t n, const float *w, const float *x) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) sum += (double)(w[i] * x[i]);
    return (float)sum;
}

float sk_dot_f16_scalar(int64_t n, const uint16_t *w, const float *x) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) sum += (double)(h2f(w[i]) * x[i]);
    return (float)sum;
}

float sk_dot_bf16_scalar(int64_t n, const uint16_t *w, const float *x) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) sum += (double)(bf2f(w[i]) * x[i]);
    return (float)sum;
}

float sk_dot_q4_0_scalar(int64_t n, const block_q4_0 *w, const block_q8_0 *x) {
    float sumf = 0;
    for (int64_t i = 0; i < n / QK; i++) {
        int sumi = 0;
        for (int j = 0; j < QK / 2; j++) {
            sumi += ((w[i].qs[j] & 0x0F) - 8) * x[i].qs[j];
            sumi += ((w[i].qs[j] >> 4) - 8) * x[i].qs[j + QK / 2];
        }
        sumf += sumi * (h2f(w[i].d) * h2f(x[i].d));
    }
    return sumf;
}

float sk_dot_q4_1_scalar(int64_t n, const block_q4_1 *w, const block_q8_1 *x) {
    float sumf = 0;
    for (int64_t i = 0; i < n / QK; i++) {
        int sumi = 0;
        for (int j = 0; j < QK / 2; j++) {
            sumi += (w[i].qs[j] & 0x0F) * x[i].qs[j];
            sumi += (w[i].qs[j] >> 4) * x[i].qs[j + QK / 2];
        }
        sumf += (h2f(w[i].d) * h2f(x[i].d)) * sumi + h2f(w[i].m) * h2f(x[i].s);
    }
    return sumf;
}

float sk_dot_q5_0_scalar(int64_t n, const block_q5_0 *w, const block_q8_0 *x) {
    float sumf = 0;
    for (int64_t i = 0; i < n / QK; i++) {
        uint32_t qh;
        memcpy(&qh, w[i].qh, 4);
        int sumi = 0;
        for (int j = 0; j < QK / 2; j++) {
            const uint8_t xh0 = ((qh & (1u << (j + 0))) >> (j + 0)) << 4;
            const uint8_t xh1 = ((qh & (1u << (j + 16))) >> (j + 12));
            const int32_t x0 = (int8_t)(((w[i].qs[j] & 0x0F) | xh0) - 16);
            const int32_t x1 = (int8_t)(((w[i].qs[j] >> 4) | xh1) - 16);
            sumi += x0 * x[i].qs[j] + x1 * x[i].qs[j + QK / 2];
        }
        sumf += (h2f(w[i].d) * h2f(x[i].d)) * sumi;
    }
    return sumf;
}

float sk_dot_q5_1_scalar(int64_t n, const block_q5_1 *w, const block_q8_1 *x) {
    float sumf = 0;
    for (int64_t i = 0; i < n / QK; i++) {
        uint32_t qh;
        memcpy(&qh, w[i].qh, 4);
        int sumi = 0;
        for (int j = 0; j < QK / 2; j++) {
            const uint8_t xh0 = ((qh >> (j + 0)) << 4) & 0x10;
            const uint8_t xh1 = ((qh >> (j + 12))) & 0x10;
            const int32_t x0 = (w[i].qs[j] & 0xF) | xh0;
            const int32_t x1 = (w[i].qs[j] >> 4) | xh1;
            sumi += x0 * x[i].qs[j] + x1 * x[i].qs[j + QK / 2];
        }
        sumf += (h2f(w[i].d) * h2f(x[i].d)) * sumi + h2f(w[i].m) * h2f(x[i].s);
    }
    return sumf;
}

float sk_dot_q8_0_scalar(int64_t n, const block_q8_0 *w, const block_q8_0 *x) {
    float sumf = 0;
    for (int64_t i = 0; i < n / QK; i++) {
        int sumi = 0;
        for (int j = 0; j < QK; j++) sumi += w[i].qs[j] * x[i].qs[j];
        sumf += sumi * (h2f(w[i].d) * h2f(x[i].d));
    }
    return sumf;
}

float sk_dot_q4_K_scalar(int64_t n, const block_q4_K *w, const block_q8_K *x) {
    float sumf = 0;
    for (int64_t i = 0; i < n / QK_K; i++) {
        const uint8_t *q4 = w[i].qs;
        const int8_t *q8 = x[i].qs;
        int32_t sum_scaled = 0, sum_mins = 0;
        for (int j = 0; j < QK_K / 64; j++) {
            uint8_t sc0, m0, sc1, m1;
            get_scale_min_k4(2 * j, w[i].scales, &sc0, &m0);
            get_scale_min_k4(2 * j + 1, w[i].scales, &sc1, &m1);
            int32_t lo = 0, hi = 0;
            for (int l = 0; l < 32; l++) {
                lo += (q4[l] & 0xF) * q8[l];
                hi += (q4[l] >> 4) * q8[l + 32];
            }
            sum_scaled += sc0 * lo + sc1 * hi;
            sum_mins += m0 * (x[i].bsums[4 * j] + x[i].bsums[4 * j + 1]) + m1 * (x[i].bsums[4 * j + 2] + x[i].bsums[4 * j + 3]);
            q4 += 32;
            q8 += 64;
        }
        sumf += h2f(w[i].d) * x[i].d * sum_scaled - h2f(w[i].dmin) * x[i].d * sum_mins;
    }
    return sumf;
}

float sk_dot_q6_K_scalar(int64_t n, const block_q6_K *w, const block_q8_K *x) {
    float sumf = 0;
    for (int64_t i = 0; i < n / QK_K; i++) {
        int8_t q[QK_K];
        const uint8_t *ql = w[i].ql;
        const uint8_t *qh = w[i].qh;
        int8_t *a = q;
        for (int k = 0; k < QK_K; k += 128) {
            for (int l = 0; l < 32; ++l) {
                a[l + 0] = (int8_t)((ql[l + 0] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                a[l + 32] = (int8_t)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                a[l + 64] = (int8_t)((ql[l + 0] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                a[l + 96] = (int8_t)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            }
            a += 128;
            ql += 64;
            qh += 32;
        }
        int32_t sumi = 0;
        for (int s = 0; s < QK_K / 16; s++) {
            int32_t sub = 0;
            for (int l = 0; l < 16; l++) sub += q[s * 16 + l] * x[i].qs[s * 16 + l];
            sumi += w[i].scales[s] * sub;
        }
        sumf += h2f(w[i].d) * x[i].d * sumi;
    }
    return sumf;
}
