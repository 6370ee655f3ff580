#include "chalf.h"

#include <immintrin.h>
#include <string.h>

size_t chalf_pack_exact(const float *values, uint16_t *halves, size_t count) {
    for (size_t i = 0; i < count; i++) {
        uint32_t bits;
        memcpy(&bits, &values[i], sizeof bits);
        uint16_t sign = (uint16_t)((bits >> 16) & 0x8000);
        int32_t exponent = (int32_t)((bits >> 23) & 0xff) - 127;
        uint32_t mantissa = bits & 0x7fffff;
        if ((bits & 0x7fffffff) == 0) {
            halves[i] = sign;
        } else if (exponent >= -14 && exponent <= 15) {
            // A normal half keeps the top 10 of float32's 23 mantissa bits.
            if (mantissa & 0x1fff) return i;
            halves[i] = (uint16_t)(sign | (uint16_t)((exponent + 15) << 10) | (uint16_t)(mantissa >> 13));
        } else if (exponent >= -24 && exponent < -14) {
            // A subnormal half is m x 2^-24 with m in 1 ..< 1024: the value's bits below 2^-24 must be zero.
            uint32_t full = mantissa | 0x800000;
            int shift = -(exponent + 1);
            if (full & ((1u << shift) - 1)) return i;
            halves[i] = (uint16_t)(sign | (uint16_t)(full >> shift));
        } else {
            return i;  // too large, too small, infinite or not a number
        }
    }
    return count;
}

float chalf_widen(uint16_t half) {
    uint32_t sign = (uint32_t)(half & 0x8000) << 16;
    uint32_t exponent = (half >> 10) & 0x1f;
    uint32_t mantissa = half & 0x3ff;
    uint32_t bits;
    if (exponent == 0 && mantissa == 0) {
        bits = sign;
    } else if (exponent == 0) {
        // Subnormal: shift the leading one into the implicit bit's place.
        uint32_t shifts = 0;
        while (!(mantissa & 0x400)) {
            mantissa <<= 1;
            shifts++;
        }
        bits = sign | ((113 - shifts) << 23) | ((mantissa & 0x3ff) << 13);
    } else if (exponent == 31) {
        bits = sign | 0x7f800000 | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

__attribute__((target("avx2,fma,f16c"))) static void gemv_f16c(
    const uint16_t *a, size_t rows, size_t columns, const float *x, float *y) {
    for (size_t r = 0; r < rows; r++) {
        const uint16_t *row = a + r * columns;
        __m256 sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps();
        size_t c = 0;
        for (; c + 16 <= columns; c += 16) {
            __m256 w0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + c)));
            __m256 w1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + c + 8)));
            sum0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + c), sum0);
            sum1 = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + c + 8), sum1);
        }
        __m256 sum = _mm256_add_ps(sum0, sum1);
        __m128 half = _mm_add_ps(_mm256_castps256_ps128(sum), _mm256_extractf128_ps(sum, 1));
        half = _mm_add_ps(half, _mm_movehl_ps(half, half));
        half = _mm_add_ss(half, _mm_movehdup_ps(half));
        float total = _mm_cvtss_f32(half);
        for (; c < columns; c++) total += chalf_widen(row[c]) * x[c];
        y[r] += total;
    }
}

static void gemv_scalar(const uint16_t *a, size_t rows, size_t columns, const float *x, float *y) {
    for (size_t r = 0; r < rows; r++) {
        const uint16_t *row = a + r * columns;
        float total = 0;
        for (size_t c = 0; c < columns; c++) total += chalf_widen(row[c]) * x[c];
        y[r] += total;
    }
}

void chalf_gemv_accumulate(const uint16_t *a, size_t rows, size_t columns, const float *x, float *y) {
    // The CPU's features are read at program start; asking costs a load each.
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) {
        gemv_f16c(a, rows, columns, x, y);
    } else {
        gemv_scalar(a, rows, columns, x, y);
    }
}
