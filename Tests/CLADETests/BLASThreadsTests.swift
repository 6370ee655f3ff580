import CBLAS
import Testing

@testable import CLADE

@Suite("BLASThreads")
struct BLASThreadsTests {
    @Test("the first configuration wins; OpenBLAS runs single-threaded under the engine's split")
    func configureOnce() {
        let first = BLASThreads.configure(2)
        #expect(BLASThreads.count == first)
        #expect(BLASThreads.configure(first + 3, split: .openBLAS) == first)
        #expect(openblas_get_num_threads() == 1)
    }
}
