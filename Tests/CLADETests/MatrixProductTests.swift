import Testing

@testable import CLADE

@Suite("MatrixProduct")
struct MatrixProductTests {
    /// `c += a b` by the definition, for row-major matrices with leading dimensions.
    static func reference(
        m: Int, n: Int, k: Int, a: [Float], lda: Int, b: [Float], ldb: Int, c: inout [Float], ldc: Int
    ) {
        for i in 0 ..< m {
            for j in 0 ..< n {
                var sum: Float = 0
                for p in 0 ..< k { sum += a[i * lda + p] * b[p * ldb + j] }
                c[i * ldc + j] += sum
            }
        }
    }

    /// Wide results split by columns, narrow ones by rows; sub-matrices of larger arrays (leading dimensions).
    @Test(
        "the split product adds a b onto c",
        arguments: [(5, 9 * MatrixProduct.minimumPieceColumns + 3, 7), (170, 9, 33), (3, 2, 4)])
    func matrix(m: Int, n: Int, k: Int) {
        var random = TestRandom(seed: UInt64(m * 31 + n))
        let (lda, ldb, ldc) = (k + 2, n + 5, n + 1)
        let a = random.tensor([m, lda]).data
        let b = random.tensor([k, ldb]).data
        var c = random.tensor([m, ldc]).data
        var expected = c
        Self.reference(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: &expected, ldc: ldc)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    MatrixProduct.accumulate(
                        m: m, n: n, k: k, a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
                        c: c.baseAddress!, ldc: ldc)
                }
            }
        }
        for i in c.indices { #expect(abs(c[i] - expected[i]) < 1e-4, "element \(i)") }
    }

    @Test("pieces are an eighth rounded up to the minimum, never below it")
    func pieceSizes() {
        #expect(MatrixProduct.pieceSize(65536, minimum: 128) == 8192)
        #expect(MatrixProduct.pieceSize(1000, minimum: 16) == 128)
        #expect(MatrixProduct.pieceSize(64, minimum: 16) == 16)
        #expect(MatrixProduct.pieceSize(3, minimum: 128) == 128)
    }

    @Test("the split matrix-vector product adds a x onto y", arguments: [(3, 5), (5000, 9)])
    func vector(m: Int, k: Int) {
        var random = TestRandom(seed: UInt64(m + k))
        let a = random.tensor([m, k]).data
        let x = random.tensor([k]).data
        var y = random.tensor([m]).data
        var expected = y
        Self.reference(m: m, n: 1, k: k, a: a, lda: k, b: x, ldb: 1, c: &expected, ldc: 1)
        a.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { y in
                    MatrixProduct.accumulate(m: m, k: k, a: a.baseAddress!, x: x.baseAddress!, y: y.baseAddress!)
                }
            }
        }
        for i in y.indices { #expect(abs(y[i] - expected[i]) < 1e-4, "element \(i)") }
    }
}
