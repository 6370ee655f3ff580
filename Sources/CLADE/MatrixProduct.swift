import CBLAS

/// Single-precision matrix products split over the engine's threads (`Parallel`), each piece a single-threaded
/// `cblas_sgemm` / `cblas_sgemv` on its own band of the result, handed to whichever thread is free next (see `BLASThreads` for why the engine splits).
///
/// The pieces depend only on the shapes, never on the thread count, so the result is the same whatever the
/// threads (OpenBLAS's result for an element can change with the shape of the call it is part of).
enum MatrixProduct {
    /// Pieces a product is cut into (when it is large enough): several per thread, so the threads finish together.
    static let pieces = 8
    /// Fewest result columns per piece when a product is cut by columns: narrower products run sgemm far below its peak.
    static let minimumPieceColumns = 128
    /// Fewest result rows per piece when cut by rows (sgemm's register tile is 16 rows tall on this machine kind).
    static let minimumPieceRows = 16

    /// `c[M, N] += a[M, K] b[K, N]`, all row-major with leading dimensions `lda`, `ldb`, `ldc`.
    /// Each piece packs all of the operand it does not cut (`a` for column pieces, `b` for row pieces), so the cut
    /// that packs fewer values wins, among those that give at least two pieces.
    static func accumulate(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let width = pieceSize(n, minimum: minimumPieceColumns)
        let height = pieceSize(m, minimum: minimumPieceRows)
        let (columnPieces, rowPieces) = ((n + width - 1) / width, (m + height - 1) / height)
        let byColumns = columnPieces >= 2 && (rowPieces < 2 || columnPieces * m + n <= m + rowPieces * n)
        if byColumns {
            Parallel.forEachItem(columnPieces, workers: Parallel.threads) { _, piece in
                let first = piece * width
                let count = min(width, n - first)
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(count), Int32(k), 1,
                    a, Int32(lda), b + first, Int32(ldb), 1, c + first, Int32(ldc))
            }
        } else {
            Parallel.forEachItem(rowPieces, workers: Parallel.threads) { _, piece in
                let first = piece * height
                let count = min(height, m - first)
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(count), Int32(n), Int32(k), 1,
                    a + first * lda, Int32(lda), b, Int32(ldb), 1, c + first * ldc, Int32(ldc))
            }
        }
    }

    /// `y[M] += a[M, K] x[K]`, `a` row-major; cut by rows of `a`.
    static func accumulate(
        m: Int, k: Int, a: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    ) {
        forEachRowPiece(m: m, k: k) { rows in
            cblas_sgemv(
                CblasRowMajor, CblasNoTrans, Int32(rows.count), Int32(k), 1, a + rows.lowerBound * k, Int32(k), x, 1,
                1, y + rows.lowerBound, 1)
        }
    }

    /// Runs `body` on the pieces of a matrix-vector product's `m` rows of `k` values, over the threads.
    static func forEachRowPiece(m: Int, k: Int, _ body: (Range<Int>) -> Void) {
        let height = pieceSize(m, minimum: max(minimumPieceRows, Conv2d.elementGrain / max(1, k)))
        Parallel.forEachItem((m + height - 1) / height, workers: Parallel.threads) { _, piece in
            body(piece * height ..< min(m, (piece + 1) * height))
        }
    }

    /// The size of one piece of `count`: an eighth of it rounded up to a multiple of `minimum`, at least `minimum`.
    static func pieceSize(_ count: Int, minimum: Int) -> Int {
        let share = (count + pieces - 1) / pieces
        return max(minimum, (share + minimum - 1) / minimum * minimum)
    }
}
