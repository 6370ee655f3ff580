#!/usr/bin/env bash
# Prints the OpenBLAS kernels that the built clade-paint runs (its BLASRelaunch may choose faster ones than the
# library's own pick on a CPU newer than the library). Test runners export them as OPENBLAS_CORETYPE, so the
# in-process parity tests run the same kernels as the product. Usage: scripts/blas-kernels.sh BINARY
set -euo pipefail
kernels=$("$1" bench sgemm -m 8 -n 8 -k 8 --repeat 1 --threads 1 | sed -n 's/.*"blas_kernels":"\([^"]*\)".*/\1/p')
[ -n "$kernels" ] || { echo "blas-kernels: $1 did not name its OpenBLAS kernels" >&2; exit 1; }
echo "$kernels"
