#include "short_product.h"

#include <immintrin.h>
#include <stddef.h>

// The kernel is compiled for AVX-512 F alone (a function attribute, so the rest of the build stays generic) and
// chosen at run time by `clade_short_product_available`.
#define AVX512 __attribute__((target("avx512f")))

int clade_short_product_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
}

// ROWS rows of C by up to 32 columns (lanes of two vectors set in `low`, `high`): each step over k loads one row of
// B's block and multiplies it by ROWS broadcast values of A, into 2 x ROWS accumulators held in registers. B's
// block (k x 32) stays in the core's cache across the row blocks; A's rows are read in place.
#define BLOCK(ROWS)                                                                                                     \
    static inline __attribute__((always_inline)) AVX512 void block##ROWS(                                               \
        int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc, __mmask16 low, __mmask16 high) {  \
        __m512 sum[ROWS][2];                                                                                            \
        for (int r = 0; r < ROWS; r++) { sum[r][0] = _mm512_setzero_ps(); sum[r][1] = _mm512_setzero_ps(); }         \
        for (int p = 0; p < k; p++) {                                                                                   \
            const float *row = b + (size_t)p * ldb;                                                                     \
            __m512 b0 = _mm512_maskz_loadu_ps(low, row);                                                                \
            __m512 b1 = _mm512_maskz_loadu_ps(high, row + 16);                                                          \
            for (int r = 0; r < ROWS; r++) {                                                                            \
                __m512 value = _mm512_set1_ps(a[(size_t)r * lda + p]);                                                  \
                sum[r][0] = _mm512_fmadd_ps(value, b0, sum[r][0]);                                                      \
                sum[r][1] = _mm512_fmadd_ps(value, b1, sum[r][1]);                                                      \
            }                                                                                                           \
        }                                                                                                               \
        for (int r = 0; r < ROWS; r++) {                                                                                \
            _mm512_mask_storeu_ps(c + (size_t)r * ldc, low, sum[r][0]);                                                 \
            _mm512_mask_storeu_ps(c + (size_t)r * ldc + 16, high, sum[r][1]);                                           \
        }                                                                                                               \
    }

BLOCK(1)
BLOCK(2)
BLOCK(3)
BLOCK(4)
BLOCK(5)
BLOCK(6)
BLOCK(7)
BLOCK(8)

static inline __attribute__((always_inline)) AVX512 __mmask16 lanes(int count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

AVX512 void clade_short_product(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
    for (int j = 0; j < n; j += 32) {
        __mmask16 low = lanes(n - j), high = lanes(n - j - 16);
        const float *bj = b + j;
        float *cj = c + j;
        int i = 0;
        for (; i + 8 <= m; i += 8) block8(k, a + (size_t)i * lda, lda, bj, ldb, cj + (size_t)i * ldc, ldc, low, high);
        const float *ai = a + (size_t)i * lda;
        float *ci = cj + (size_t)i * ldc;
        switch (m - i) {
        case 7: block7(k, ai, lda, bj, ldb, ci, ldc, low, high); break;
        case 6: block6(k, ai, lda, bj, ldb, ci, ldc, low, high); break;
        case 5: block5(k, ai, lda, bj, ldb, ci, ldc, low, high); break;
        case 4: block4(k, ai, lda, bj, ldb, ci, ldc, low, high); break;
        case 3: block3(k, ai, lda, bj, ldb, ci, ldc, low, high); break;
        case 2: block2(k, ai, lda, bj, ldb, ci, ldc, low, high); break;
        case 1: block1(k, ai, lda, bj, ldb, ci, ldc, low, high); break;
        default: break;
        }
    }
}
