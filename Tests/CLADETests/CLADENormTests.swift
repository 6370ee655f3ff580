import Testing

@testable import CLADE

@Suite("CLADENorm")
struct CLADENormTests {
    static let (channels, classes, h, w) = (3, 4, 5, 6)

    struct Setup {
        var x: Tensor, gamma: Tensor, beta: Tensor, maps: SemanticMaps
        var convW: CLADENorm.DistanceConv, convB: CLADENorm.DistanceConv, edgeConv: CLADENorm.EdgeConv
    }

    static func setup() -> Setup {
        var random = TestRandom(seed: 21)
        let pixels = h * w
        let maps = SemanticMaps(
            classCount: classes, height: h, width: w,
            classes: random.classes(count: classes, pixels: pixels),
            edges: (0 ..< pixels).map { Float($0 % 3 == 0 ? 1 : 0) },
            distances: random.tensor([2, h, w]).data)
        return Setup(
            x: random.tensor([channels, h, w], -3 ... 3), gamma: random.tensor([classes, channels], 0 ... 1),
            beta: random.tensor([classes, channels]),
            maps: maps,
            convW: .init(weight: random.tensor([1, 2, 1, 1]), bias: random.tensor([1])),
            convB: .init(weight: random.tensor([1, 2, 1, 1]), bias: random.tensor([1])),
            edgeConv: .init(weight: Tensor(shape: [1, 1, 1, 1], data: [1.5]), bias: Tensor(shape: [1], data: [-0.25])))
    }

    /// out[c, p] = xhat[c, p] * gamma[class p, c] * gw[p] + beta[class p, c] * gb[p], straight from the definition.
    static func expected(_ s: Setup, xhat: Tensor, gammaFactor: (Int) -> Float, betaFactor: (Int) -> Float) -> [Float] {
        let pixels = h * w
        var out: [Float] = []
        for c in 0 ..< channels {
            for p in 0 ..< pixels {
                let k = Int(s.maps.classes[p])
                out.append(
                    xhat.data[c * pixels + p] * (s.gamma.data[k * channels + c] * gammaFactor(p)) + s.beta.data[
                        k * channels + c] * betaFactor(p))
            }
        }
        return out
    }

    @Test("class-bank gather: xhat * gamma[class] + beta[class]")
    func plain() {
        let s = Self.setup()
        let norm = CLADENorm(paramFreeNorm: .instance, gamma: s.gamma, beta: s.beta)
        let out = norm(s.x, s.maps)
        #expect(out.shape == [Self.channels, Self.h, Self.w])
        let expected = Self.expected(
            s, xhat: ParamFreeNorm.instance(s.x), gammaFactor: { _ in 1 }, betaFactor: { _ in 1 })
        for (a, b) in zip(out.data, expected) { #expect(abs(a - b) < 1e-5) }
    }

    @Test("ICPE scales gamma and beta per pixel; inst_conv appends the edge channel")
    func icpeAndEdges() {
        let s = Self.setup()
        let bn = ParamFreeNorm(
            runningMean: Tensor(shape: [3], data: [0.5, -1, 0]), runningVar: Tensor(shape: [3], data: [2, 1, 0.5]))
        let norm = CLADENorm(
            paramFreeNorm: bn, gamma: s.gamma, beta: s.beta, distanceConvs: (s.convW, s.convB), edgeConv: s.edgeConv)
        let out = norm(s.x, s.maps)
        let pixels = Self.h * Self.w
        #expect(out.shape == [Self.channels + 1, Self.h, Self.w])
        let p = s.maps.distances!
        let expected = Self.expected(
            s, xhat: bn(s.x),
            gammaFactor: { 1 + s.convW.weightH * p[$0] + s.convW.weightW * p[pixels + $0] + s.convW.bias },
            betaFactor: { 1 + s.convB.weightH * p[$0] + s.convB.weightW * p[pixels + $0] + s.convB.bias })
        for (a, b) in zip(out.data, expected) { #expect(abs(a - b) < 1e-5) }
        let edgeChannel = Array(out.data[(Self.channels * pixels)...])
        #expect(edgeChannel == s.maps.edges!.map { 1.5 * $0 - 0.25 })
    }

    @Test("ICPE without a distance map uses a zero map (only the conv biases act)")
    func icpeWithoutDistances() {
        let s = Self.setup()
        let maps = SemanticMaps(
            classCount: Self.classes, height: Self.h, width: Self.w, classes: s.maps.classes, edges: nil, distances: nil
        )
        let norm = CLADENorm(paramFreeNorm: .instance, gamma: s.gamma, beta: s.beta, distanceConvs: (s.convW, s.convB))
        let out = norm(s.x, maps)
        let expected = Self.expected(
            s, xhat: ParamFreeNorm.instance(s.x), gammaFactor: { _ in 1 + s.convW.bias },
            betaFactor: { _ in 1 + s.convB.bias })
        for (a, b) in zip(out.data, expected) { #expect(abs(a - b) < 1e-5) }
    }

    @Test(
        "upsampling and LeakyReLU in the norm's pass equal upsample, norm, LeakyReLU in turn", arguments: [false, true])
    func fusedUpsamplingAndActivation(instance: Bool) {
        var random = TestRandom(seed: 5)
        let (h, w) = (2 * Self.h, 2 * Self.w)
        let maps = SemanticMaps(
            classCount: Self.classes, height: h, width: w,
            classes: random.classes(count: Self.classes, pixels: h * w),
            edges: (0 ..< (h * w)).map { Float($0 % 5 == 0 ? 1 : 0) }, distances: random.tensor([2, h, w]).data)
        let s = Self.setup()
        let paramFree =
            instance
            ? ParamFreeNorm.instance
            : ParamFreeNorm(
                runningMean: Tensor(shape: [3], data: [0.5, -1, 0]), runningVar: Tensor(shape: [3], data: [2, 1, 0.5]))
        let norm = CLADENorm(
            paramFreeNorm: paramFree, gamma: s.gamma, beta: s.beta, distanceConvs: (s.convW, s.convB),
            edgeConv: s.edgeConv)
        var expected = norm(upsampleNearest2x(s.x), maps)
        leakyReLU(&expected, slope: 0.2)
        let fused = norm(s.x, maps, upsampled: true, leakySlope: 0.2)
        #expect(fused.shape == expected.shape)
        #expect(fused.maxAbsDifference(to: expected) < 1e-5)
        #expect(fused.data.contains { $0 < 0 } && fused.data.contains { $0 > 0 })
    }

    /// Class regions 10 pixels wide on a 44-pixel row: chunks of 8 inside one region take the vector path, chunks
    /// across a boundary and the 4 pixels after the last chunk go pixel by pixel.
    @Test(
        "chunks of one class (vectors) and mixed chunks agree with the definition",
        arguments: [(false, false), (false, true), (true, false), (true, true)])
    func classChunks(icpe: Bool, upsampled: Bool) {
        var random = TestRandom(seed: 8)
        let (h, w) = (4, 44)
        let classes = (0 ..< h * w).map { Int32(($0 % w) / 10 % Self.classes) }
        let distances = random.tensor([2, h, w]).data
        let maps = SemanticMaps(
            classCount: Self.classes, height: h, width: w, classes: classes, edges: nil, distances: distances)
        let s = Self.setup()
        let bn = ParamFreeNorm(
            runningMean: Tensor(shape: [3], data: [0.5, -1, 0]), runningVar: Tensor(shape: [3], data: [2, 1, 0.5]))
        let norm = CLADENorm(
            paramFreeNorm: bn, gamma: s.gamma, beta: s.beta, distanceConvs: icpe ? (s.convW, s.convB) : nil)
        let x =
            upsampled
            ? random.tensor([Self.channels, h / 2, w / 2], -3 ... 3) : random.tensor([Self.channels, h, w], -3 ... 3)
        let out = norm(x, maps, upsampled: upsampled, leakySlope: 0.2)
        let xhat = bn(upsampled ? upsampleNearest2x(x) : x)
        let pixels = h * w
        for c in 0 ..< Self.channels {
            for p in 0 ..< pixels {
                let k = Int(classes[p])
                let (fg, fb) =
                    icpe
                    ? (
                        1 + s.convW(distances[p], distances[pixels + p]),
                        1 + s.convB(distances[p], distances[pixels + p])
                    ) : (1, 1)
                let v =
                    xhat.data[c * pixels + p] * (s.gamma.data[k * Self.channels + c] * fg) + s.beta.data[
                        k * Self.channels + c] * fb
                #expect(abs(out.data[c * pixels + p] - max(v, 0.2 * v)) < 1e-5, "channel \(c), pixel \(p)")
            }
        }
    }
}
