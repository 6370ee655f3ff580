import Testing

@testable import CLADE

@Suite("ResnetBlock")
struct ResnetBlockTests {
    static func cladeNorm(_ random: inout TestRandom, channels: Int, classes: Int, edges: Bool) -> CLADENorm {
        CLADENorm(
            paramFreeNorm: .instance, gamma: random.tensor([classes, channels], 0 ... 1),
            beta: random.tensor([classes, channels]),
            edgeConv: edges
                ? .init(weight: Tensor(shape: [1, 1, 1, 1], data: [0.7]), bias: Tensor(shape: [1], data: [0.1])) : nil)
    }

    /// The block against its definition written with the reference convolution.
    @Test("learned shortcut with edge channels", arguments: [false, true])
    func learnedShortcut(edges: Bool) {
        var random = TestRandom(seed: 41)
        let (fin, fout, classes, h, w) = (6, 4, 3, 5, 4)
        let e = edges ? 1 : 0
        let norms = [fin, fout, fin].map { Self.cladeNorm(&random, channels: $0, classes: classes, edges: edges) }
        let weights = [[fout, fin + e, 3, 3], [fout, fout + e, 3, 3], [fout, fin + e, 1, 1]].map { random.tensor($0) }
        let conv0 = Conv2d(weight: weights[0], bias: random.tensor([fout]), padding: 1)
        let conv1 = Conv2d(weight: weights[1], bias: random.tensor([fout]), padding: 1)
        let convS = Conv2d(weight: weights[2], bias: nil)
        let block = ResnetBlock(
            norm0: .clade(norms[0]), conv0: conv0, norm1: .clade(norms[1]), conv1: conv1,
            shortcut: (.clade(norms[2]), convS))
        let maps = SemanticMaps(
            classCount: classes, height: h, width: w, classes: random.classes(count: classes, pixels: h * w),
            edges: edges ? (0 ..< (h * w)).map { Float($0 % 2) } : nil, distances: nil)
        let x = random.tensor([fin, h, w])

        var a = norms[0](x, maps)
        leakyReLU(&a)
        var dx = referenceConv2d(a, weight: weights[0], bias: conv0.bias, padding: 1)
        dx = norms[1](dx, maps)
        leakyReLU(&dx)
        dx = referenceConv2d(dx, weight: weights[1], bias: conv1.bias, padding: 1)
        let xs = referenceConv2d(norms[2](x, maps), weight: weights[2], bias: nil)
        let out = block(x, maps)
        #expect(out.shape == [fout, h, w])
        for i in out.data.indices { #expect(abs(out.data[i] - (xs.data[i] + dx.data[i])) < 1e-4) }
    }

    @Test("identity shortcut when the width is kept")
    func identityShortcut() {
        var random = TestRandom(seed: 42)
        let (c, classes, h, w) = (3, 2, 4, 4)
        let norm0 = Self.cladeNorm(&random, channels: c, classes: classes, edges: false)
        let norm1 = Self.cladeNorm(&random, channels: c, classes: classes, edges: false)
        let weights = [random.tensor([c, c, 3, 3]), random.tensor([c, c, 3, 3])]
        let conv0 = Conv2d(weight: weights[0], bias: random.tensor([c]), padding: 1)
        let conv1 = Conv2d(weight: weights[1], bias: random.tensor([c]), padding: 1)
        let block = ResnetBlock(norm0: .clade(norm0), conv0: conv0, norm1: .clade(norm1), conv1: conv1, shortcut: nil)
        let maps = SemanticMaps(
            classCount: classes, height: h, width: w, classes: random.classes(count: classes, pixels: h * w),
            edges: nil, distances: nil)
        let x = random.tensor([c, h, w])
        var a = norm0(x, maps)
        leakyReLU(&a)
        var dx = norm1(referenceConv2d(a, weight: weights[0], bias: conv0.bias, padding: 1), maps)
        leakyReLU(&dx)
        dx = referenceConv2d(dx, weight: weights[1], bias: conv1.bias, padding: 1)
        let out = block(x, maps)
        for i in out.data.indices { #expect(abs(out.data[i] - (x.data[i] + dx.data[i])) < 1e-4) }
    }
}
