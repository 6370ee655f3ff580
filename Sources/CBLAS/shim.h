#ifndef CLADE_PAINT_CBLAS_SHIM_H
#define CLADE_PAINT_CBLAS_SHIM_H
// Debian keeps cblas.h in a variant folder (openblas-pthread/); pkg-config openblas adds it to the path.
#include <cblas.h>
#endif
