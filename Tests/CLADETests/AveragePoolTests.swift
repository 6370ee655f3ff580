import Testing

@testable import CLADE

@Suite("AveragePool")
struct AveragePoolTests {
    @Test("each output is the mean of its window, per channel")
    func windowMeans() {
        // Two channels of 2x4: windows of 2x2 give [2, 1, 2].
        let x = Tensor(shape: [2, 2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8, -1, -1, 0, 4, -3, -3, 2, 2])
        let pooled = averagePool(x, by: 2)
        #expect(pooled.shape == [2, 1, 2])
        #expect(pooled.data == [3.5, 5.5, -2, 2])
    }

    @Test("factor 1 returns the input; factor 4 averages 16 values")
    func factors() {
        var random = TestRandom(seed: 3)
        let x = random.tensor([3, 8, 4])
        #expect(averagePool(x, by: 1) == x)
        let pooled = averagePool(x, by: 4)
        #expect(pooled.shape == [3, 2, 1])
        // Channel 2, rows 4 ..< 8, all 4 columns.
        let window: [Float] = Array(x.data[(2 * 8 + 4) * 4 ..< (2 * 8 + 8) * 4])
        let mean: Float = window.reduce(0, +) / 16
        #expect(abs(pooled.data[5] - mean) < 1e-6)
    }
}
