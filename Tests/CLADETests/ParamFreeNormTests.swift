import Testing

@testable import CLADE

@Suite("ParamFreeNorm")
struct ParamFreeNormTests {
    @Test("batch norm uses the running statistics")
    func batch() {
        let norm = ParamFreeNorm(
            runningMean: Tensor(shape: [2], data: [1, -2]), runningVar: Tensor(shape: [2], data: [4, 0.25]))
        let out = norm(Tensor(shape: [2, 1, 2], data: [3, 1, -2, -1.5]))
        let expected: [Float] = [2 / (4 + 1e-5).squareRoot(), 0, 0, 0.5 / (0.25 + 1e-5).squareRoot()]
        for (a, b) in zip(out.data, expected) { #expect(abs(a - b) < 1e-6) }
    }

    @Test("instance norm gives each channel mean 0 and variance 1")
    func instance() {
        var random = TestRandom(seed: 5)
        var x = random.tensor([3, 6, 5], -2 ... 5)
        x.data[0 ..< 30] = ArraySlice(x.data[0 ..< 30].map { $0 * 100 + 1000 })
        let out = ParamFreeNorm.instance(x)
        for (mean, variance) in channelStatistics(out) {
            #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-3)
        }
    }

    @Test("a constant channel normalises to zero")
    func constantChannel() {
        let out = ParamFreeNorm.instance(Tensor(shape: [1, 2, 2], repeating: 7))
        #expect(out.data.allSatisfy { abs($0) < 1e-6 })
    }
}
