#ifndef CLADE_PAINT_SHORT_PRODUCT_H
#define CLADE_PAINT_SHORT_PRODUCT_H
// A float32 matrix product for the Winograd convolution's short products, without packing either operand
// (ShortProduct.swift says when and why).

/// 1 when this CPU runs `clade_short_product` (AVX-512 F), else 0.
int clade_short_product_available(void);

/// C = A B, row-major: A `m x k` (row stride lda), B `k x n` (row stride ldb), C `m x n` (row stride ldc).
/// Only where `clade_short_product_available()` is 1.
void clade_short_product(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc);

#endif
