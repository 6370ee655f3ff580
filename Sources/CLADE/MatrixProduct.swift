import CBLAS

/// Single-precision matrix products split over the engine's threads (`Parallel`), each part a single-threaded
/// `cblas_sgemm` / `cblas_sgemv` on its own band of the result (see `BLASThreads` for why the engine splits).
enum MatrixProduct {
    /// Fewest result columns per part when a product is split by columns: narrower products run sgemm far below
    /// its peak, so narrow results are split by rows instead.
    static let minimumPartColumns = 128
    /// Fewest result rows per part when split by rows (sgemm's register tile is 16 rows wide on this machine kind).
    static let minimumPartRows = 16

    /// `c[M, N] += a[M, K] b[K, N]`, all row-major with leading dimensions `lda`, `ldb`, `ldc`.
    /// Wide results are split by columns (each part reads all of `a`), narrow ones by rows (each part reads all of `b`).
    static func accumulate(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                           c: UnsafeMutablePointer<Float>, ldc: Int) {
        let threads = Parallel.threads
        if n >= threads * minimumPartColumns {
            Parallel.forEach(n, grain: minimumPartColumns) { columns in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(columns.count), Int32(k), 1,
                            a, Int32(lda), b + columns.lowerBound, Int32(ldb), 1, c + columns.lowerBound, Int32(ldc))
            }
        } else {
            Parallel.forEach(m, grain: minimumPartRows) { rows in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows.count), Int32(n), Int32(k), 1,
                            a + rows.lowerBound * lda, Int32(lda), b, Int32(ldb), 1, c + rows.lowerBound * ldc, Int32(ldc))
            }
        }
    }

    /// `y[M] += a[M, K] x[K]`, `a` row-major; split by rows of `a`.
    static func accumulate(m: Int, k: Int, a: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        Parallel.forEach(m, grain: max(minimumPartRows, Conv2d.elementGrain / max(1, k))) { rows in
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows.count), Int32(k), 1, a + rows.lowerBound * k, Int32(k),
                        x, 1, 1, y + rows.lowerBound, 1)
        }
    }
}
