import Testing

@testable import CLADE

@Suite("BLAS kernels")
struct BLASKernelsTests {
    static let avx512: Set<Substring> = [
        "sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl",
    ]

    @Test("the generic kernels on a CPU with AVX-512 or AVX2 ask for the kernels it can run")
    func genericKernelsAreReplaced() {
        #expect(BLASKernels.better(than: "Prescott", cpuFlags: Self.avx512) == "SkylakeX")
        #expect(BLASKernels.better(than: "Prescott", cpuFlags: ["sse3", "avx", "avx2", "fma"]) == "Haswell")
        // AVX-512 foundation alone is not what the SkylakeX kernels need.
        #expect(BLASKernels.better(than: "Prescott", cpuFlags: ["avx2", "fma", "avx512f"]) == "Haswell")
    }

    @Test("kernels OpenBLAS chose for a CPU it knows, and CPUs without AVX2, are left alone")
    func otherwiseNothingChanges() {
        #expect(BLASKernels.better(than: "Haswell", cpuFlags: Self.avx512) == nil)
        #expect(BLASKernels.better(than: "SkylakeX", cpuFlags: Self.avx512) == nil)
        #expect(BLASKernels.better(than: "Prescott", cpuFlags: ["sse3", "avx"]) == nil)
        #expect(BLASKernels.better(than: "Prescott", cpuFlags: []) == nil)
    }

    @Test("the CPU's flags and the kernels in use are read")
    func readsThisMachine() {
        #expect(!BLASKernels.current.isEmpty)
        #expect(BLASKernels.cpuFlags().contains("sse2"))
    }
}
