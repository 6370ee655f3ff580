import Testing

@testable import CLADE

@Suite("Linear")
struct LinearTests {
    @Test("y = W x + b")
    func affine() {
        var random = TestRandom(seed: 3)
        let weight = random.tensor([5, 7])
        let bias = random.tensor([5])
        let x = random.tensor([7])
        let y = Linear(weight: weight, bias: bias)(x)
        #expect(y.shape == [5])
        for o in 0 ..< 5 {
            let expected = bias.data[o] + (0 ..< 7).map { weight.data[o * 7 + $0] * x.data[$0] }.reduce(0, +)
            #expect(abs(y.data[o] - expected) < 1e-5)
        }
    }

    @Test("reads a flattened feature map")
    func flattened() {
        let weight = Tensor(shape: [1, 4], data: [1, 2, 3, 4])
        let y = Linear(weight: weight, bias: Tensor(shape: [1], data: [0.5]))(
            Tensor(shape: [1, 2, 2], data: [1, 1, 1, -1]))
        #expect(y.data == [2.5])
    }
}
