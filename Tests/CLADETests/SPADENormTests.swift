import Testing

@testable import CLADE

@Suite("SPADENorm")
struct SPADENormTests {
    @Test("xhat * (1 + gamma(seg)) + beta(seg) with gamma, beta from the shared conv net")
    func modulation() {
        var random = TestRandom(seed: 31)
        let (classes, channels, h, w, hidden) = (3, 2, 4, 5, SPADENorm.hiddenChannels)
        let maps = SemanticMaps(
            classCount: classes, height: h, width: w, classes: random.classes(count: classes, pixels: h * w),
            edges: (0 ..< (h * w)).map { Float($0 % 2) }, distances: nil)
        let weights = (
            shared: random.tensor([hidden, classes + 1, 3, 3]),
            gamma: random.tensor([channels, hidden, 3, 3], -0.1 ... 0.1),
            beta: random.tensor([channels, hidden, 3, 3], -0.1 ... 0.1)
        )
        let shared = Conv2d(weight: weights.shared, bias: random.tensor([hidden]), padding: 1)
        let gamma = Conv2d(weight: weights.gamma, bias: random.tensor([channels]), padding: 1)
        let beta = Conv2d(weight: weights.beta, bias: random.tensor([channels]), padding: 1)
        let norm = SPADENorm(paramFreeNorm: .instance, shared: shared, gamma: gamma, beta: beta)
        let x = random.tensor([channels, h, w], -2 ... 2)
        let out = norm(x, maps)

        var actv = referenceConv2d(maps.oneHot(), weight: weights.shared, bias: shared.bias, padding: 1)
        relu(&actv)
        let g = referenceConv2d(actv, weight: weights.gamma, bias: gamma.bias, padding: 1)
        let b = referenceConv2d(actv, weight: weights.beta, bias: beta.bias, padding: 1)
        let xhat = ParamFreeNorm.instance(x)
        #expect(out.shape == x.shape)
        for i in out.data.indices {
            #expect(abs(out.data[i] - (xhat.data[i] * (1 + g.data[i]) + b.data[i])) < 1e-4)
        }
    }
}
