import CBLAS
import CShortProduct

/// `C = A B` for the Winograd convolution's per-position products (`Winograd`), where one operand is short.
///
/// Those products are `[out, in] x [in, tiles]` with a chunk's tiles: 32 at the 32x32 and 64x64 maps (the 2 MiB
/// chunk holds two tile rows), 64-128 above. OpenBLAS copies (packs) the whole weight matrix `[out, in]` for every
/// call, so at 32 columns its packing costs about as much as the arithmetic (`sgemm_oncopy` took 10 % of a pass).
/// The hand kernel (`clade_short_product`, AVX-512: 8 rows by 32 columns of C in registers, A read in place, B's
/// 32 columns from the core's cache) packs nothing. Measured per layer in CPU time (one thread, 36 products per
/// chunk, all chunks of the layer, SkylakeX kernels in OpenBLAS): 256 x 513 x 32 tiles 15.4-16.0 ms against
/// 21.7-22.3 ms, 128 x 257 x 32 7.5-9.1 against 9.9-12.1 ms, 3 x 33 x 128 0.54 against 0.64-0.72 ms; with 64 or
/// 128 columns and 32-64 rows OpenBLAS's own small-matrix kernel was as fast or up to 15 % faster, so it keeps those.
/// Both sum each element over k in order with one fused multiply-add per term.
enum ShortProduct {
    /// Whether this CPU runs the hand kernel (AVX-512 F); elsewhere every product goes to OpenBLAS.
    static let kernelAvailable = clade_short_product_available() == 1
    /// Most columns for which the hand kernel is used (beyond them only for fewer rows than its register block).
    static let kernelColumns = 32
    /// Rows of the kernel's register block: fewer rows than this (conv_img's 3 outputs) also go to the kernel.
    static let kernelRows = 8

    /// Whether `multiply` takes the hand kernel for an `m x n` result.
    static func usesKernel(m: Int, n: Int) -> Bool { kernelAvailable && (n <= kernelColumns || m < kernelRows) }

    /// `c[m, n] = a[m, k] b[k, n]`, row-major with leading dimensions `lda`, `ldb`, `ldc`.
    static func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                         c: UnsafeMutablePointer<Float>, ldc: Int, kernel: Bool? = nil) {
        if kernel ?? usesKernel(m: m, n: n) {
            clade_short_product(Int32(m), Int32(n), Int32(k), a, Int32(lda), b, Int32(ldb), c, Int32(ldc))
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                        a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
        }
    }
}
