import Testing
@testable import CLADE

@Suite("ShortProduct")
struct ShortProductTests {
    /// Rows below, at and past the kernel's 8-row block (the remainder blocks), columns inside one vector, across its
    /// two vectors and past its 32-column block (the lane masks), deep and shallow products, sub-matrices of larger
    /// arrays (leading dimensions).
    static let shapes = [(1, 1, 1), (3, 128, 33), (7, 5, 9), (8, 16, 65), (9, 17, 4), (13, 31, 129), (16, 32, 257),
                         (17, 33, 12), (24, 70, 40), (32, 64, 513)]

    /// The hand kernel and OpenBLAS (where this CPU has the kernel; else OpenBLAS alone) against the exact product
    /// (double precision), relative to the sum of the terms' magnitudes `Σ |a b|`: a float32 sum of k products is
    /// within k rounding units of it (here far less: the errors mostly cancel). Elements outside the result
    /// (between `n` and `ldc`) are left alone.
    @Test("C = A B within float32 summation error, by the kernel and by OpenBLAS", arguments: shapes)
    func product(m: Int, n: Int, k: Int) {
        var random = TestRandom(seed: UInt64(m * 1000 + n * 10 + k))
        let (lda, ldb, ldc) = (k + 3, n + 5, n + 2)
        let a = random.tensor([m, lda]).data, b = random.tensor([k, ldb]).data
        let sentinel: Float = 1234.5
        for useKernel in ShortProduct.kernelAvailable ? [true, false] : [false] {
            var c = [Float](repeating: sentinel, count: m * ldc)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        ShortProduct.multiply(m: m, n: n, k: k, a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
                                              c: c.baseAddress!, ldc: ldc, kernel: useKernel)
                    }
                }
            }
            var worst = 0.0
            for i in 0 ..< m {
                for j in 0 ..< ldc {
                    guard j < n else {
                        #expect(c[i * ldc + j] == sentinel, "row \(i), column \(j) outside the result was written")
                        continue
                    }
                    var exact = 0.0, magnitude = 0.0
                    for p in 0 ..< k {
                        let term = Double(a[i * lda + p]) * Double(b[p * ldb + j])
                        exact += term
                        magnitude += abs(term)
                    }
                    worst = max(worst, abs(Double(c[i * ldc + j]) - exact) / magnitude)
                }
            }
            #expect(worst <= Double(k) * 0x1p-24, "\(useKernel ? "kernel" : "OpenBLAS"): relative error \(worst)")
        }
    }

    @Test("the kernel takes results of at most 32 columns, and fewer rows than its block at any width")
    func choice() {
        #expect(ShortProduct.usesKernel(m: 256, n: 32) == ShortProduct.kernelAvailable)
        #expect(ShortProduct.usesKernel(m: 3, n: 128) == ShortProduct.kernelAvailable)
        #expect(!ShortProduct.usesKernel(m: 32, n: 64))
        #expect(!ShortProduct.usesKernel(m: 64, n: 128))
    }
}
