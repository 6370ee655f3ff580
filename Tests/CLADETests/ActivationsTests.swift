import Testing

@testable import CLADE

@Suite("Activations")
struct ActivationsTests {
    @Test("leaky ReLU, ReLU and tanh work in place")
    func elementwise() {
        var x = Tensor(shape: [4], data: [-2, -0.5, 0, 3])
        leakyReLU(&x)
        #expect(x.data == [-0.4, -0.1, 0, 3])
        var y = Tensor(shape: [3], data: [-1, 0, 2])
        relu(&y)
        #expect(y.data == [0, 0, 2])
        var z = Tensor(shape: [3], data: [-20, 0, 0.5])
        tanh(&z)
        #expect(z.data[0] == -1 && z.data[1] == 0 && abs(z.data[2] - 0.46211716) < 1e-7)
    }

    @Test("nearest x2 upsampling copies each value to a 2x2 square")
    func upsample() {
        let x = Tensor(shape: [2, 1, 2], data: [1, 2, 3, 4])
        let up = upsampleNearest2x(x)
        #expect(up.shape == [2, 2, 4])
        #expect(up.data == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    }
}
