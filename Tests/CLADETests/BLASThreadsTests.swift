import CBLAS
import Testing
@testable import CLADE

@Suite("BLASThreads")
struct BLASThreadsTests {
    @Test("the first configuration wins and reaches OpenBLAS")
    func configureOnce() {
        let first = BLASThreads.configure(1)
        #expect(BLASThreads.count == first)
        #expect(BLASThreads.configure(first + 3) == first)
        #expect(Int(openblas_get_num_threads()) == first)
    }
}
