#ifndef CHALF_H
#define CHALF_H
// Weights held in IEEE half precision where the model file gave them so (F16 files): packed once at load, widened
// to float32 exactly as they are read, so a layer computes with the very values the file holds at half the memory.

#include <stddef.h>
#include <stdint.h>

// Packs `count` floats into half precision at `halves`. Returns the index of the first value half precision does not
// hold exactly (`count` when it holds all of them); `halves` is then filled up to that index only.
size_t chalf_pack_exact(const float *values, uint16_t *halves, size_t count);

// Widens one half-precision value to float32 (exact).
float chalf_widen(uint16_t half);

// y[r] += sum over c of a[r * columns + c] * x[c], for r in 0 ..< rows; `a` in half precision. Vectorised with F16C,
// FMA and AVX2 where the CPU has them, else one value at a time.
void chalf_gemv_accumulate(const uint16_t *a, size_t rows, size_t columns, const float *x, float *y);

#endif
