import Testing

@testable import CLADE

@Suite("Tensor")
struct TensorTests {
    @Test("feature-map accessors and comparisons")
    func accessors() {
        let t = Tensor(shape: [2, 3, 4], repeating: 1.5)
        #expect(t.channels == 2 && t.height == 3 && t.width == 4 && t.count == 24)
        var u = t
        u.data[5] = -2
        #expect(t.maxAbsDifference(to: u) == 3.5 && u.maxAbs == 2)
        #expect(Tensor(zeros: [0]).maxAbs == 0)
    }
}
