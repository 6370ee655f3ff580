import Testing

@testable import CLADE

@Suite("Winograd")
struct WinogradTests {
    /// Even and odd sizes (a last tile row or column partly outside), one-pixel maps, chunks of one tile row, more
    /// bands than threads, and rows of 8 tiles and more (the vector transforms, with tiles left over).
    @Test(
        "F(2x2, 3x3) and F(4x4, 3x3) agree with the direct convolution", arguments: [Winograd.Tile.two, .four],
        [
            (3, 5, 8, 10, 2, 1 << 19), (4, 3, 9, 7, 3, 1), (2, 2, 1, 1, 1, 1 << 19), (6, 4, 13, 12, 5, 16 * 10 * 7 * 2),
            (3, 4, 6, 34, 2, 1 << 19), (2, 3, 5, 33, 2, 1), (2, 2, 4, 16, 1, 1 << 19), (3, 2, 11, 64, 2, 1),
            (2, 3, 7, 37, 3, 1 << 19), (5, 6, 16, 32, 2, 36 * 11 * 8),
        ])
    func matchesDirect(tile: Winograd.Tile, shape: (inC: Int, outC: Int, h: Int, w: Int, parts: Int, budget: Int))
        throws
    {
        let (inC, outC, h, w, parts, budget) = shape
        var random = TestRandom(seed: UInt64(inC * 100 + h * 10 + w))
        let x = random.tensor([inC, h, w])
        let weight = random.tensor([outC, inC, 3, 3])
        let winograd = Winograd(weight: weight, tile: tile)
        let start = random.tensor([outC, h, w])
        let output = Self.accumulate(winograd, x, onto: start, parts: parts, budget: budget)
        let direct = referenceConv2d(x, weight: weight, bias: nil, padding: 1)
        // F(4x4, 3x3)'s larger coefficients cost about ten times F(2x2)'s rounding error (bounded in `errorBound`).
        let tolerance: Float = tile == .two ? 1e-5 : 5e-5
        for i in output.data.indices {
            #expect(abs(output.data[i] - (start.data[i] + direct.data[i])) < tolerance, "element \(i)")
        }
    }

    /// The error of each form against the exact sum (double precision), relative to the sum of the magnitudes of
    /// its terms (`Σ |w x|`, the scale of any float32 summation's error), at the channel counts of the model's
    /// Winograd layers. Measured (printed with the test): F(2x2) 8.8e-8 and 4.4e-8, F(4x4) 1.05e-6 and 7.3e-7 at 64
    /// and 256 input channels.
    @Test("F(4x4, 3x3)'s error stays within a bound, a few times F(2x2, 3x3)'s", arguments: [64, 256])
    func errorBound(inC: Int) {
        var random = TestRandom(seed: UInt64(inC))
        let (outC, h, w) = (4, 12, 40)
        let x = random.tensor([inC, h, w])
        let scale = 1 / Float(3 * inC).squareRoot()
        let weight = random.tensor([outC, inC, 3, 3], -scale ... scale)
        let exact = referenceConv2d(x, weight: weight, bias: nil, padding: 1)
        let magnitude = referenceConv2d(
            Tensor(shape: x.shape, data: x.data.map(abs)),
            weight: Tensor(shape: weight.shape, data: weight.data.map(abs)), bias: nil, padding: 1)
        func relativeError(_ tile: Winograd.Tile) -> Float {
            let output = Self.accumulate(
                Winograd(weight: weight, tile: tile), x, onto: Tensor(zeros: exact.shape), parts: 2, budget: 1 << 19)
            return output.data.indices.map { abs(output.data[$0] - exact.data[$0]) / magnitude.data[$0] }.max()!
        }
        let (two, four) = (relativeError(.two), relativeError(.four))
        print("Winograd error relative to Σ|w x|, \(inC) input channels: F(2x2) \(two), F(4x4) \(four)")
        #expect(two < 3e-7)
        #expect(four < 3e-6)
    }

    static func accumulate(_ winograd: Winograd, _ x: Tensor, onto start: Tensor, parts: Int, budget: Int) -> Tensor {
        let (h, w) = (x.height, x.width)
        var output = start
        let parts = max(1, min(parts, (h + winograd.m - 1) / winograd.m))
        let workspace = Workspace()
        let scratch = workspace.buffer(count: parts * winograd.chunkFloats(width: w, height: h, budget: budget))
        x.data.withUnsafeBufferPointer { input in
            output.data.withUnsafeMutableBufferPointer { out in
                winograd.accumulate(
                    input.baseAddress!, height: h, width: w, into: out.baseAddress!, scratch: scratch,
                    parts: parts, chunkBudget: budget)
            }
        }
        return output
    }

    @Test("Conv2d keeps the Winograd form only for 3x3, stride 1, padding 1 with few weights")
    func eligibility() {
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 3, 3]), bias: nil, padding: 1).winograd != nil)
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 3, 3]), bias: nil, stride: 2, padding: 1).winograd == nil)
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 3, 3]), bias: nil, padding: 0).winograd == nil)
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 1, 1]), bias: nil).winograd == nil)
        #expect(Conv2d(weight: Tensor(zeros: [1024, 1024, 3, 3]), bias: nil, padding: 1).winograd == nil)
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 3, 3]), bias: nil, padding: 1).winograd?.tile == .four)
        // The bundled model's up_0 conv_0 (513 -> 256 channels) keeps F(2x2, 3x3): F(4x4)'s weights would pass the RSS limit.
        #expect(Conv2d(weight: Tensor(zeros: [256, 513, 3, 3]), bias: nil, padding: 1).winograd?.tile == .two)
    }

    @Test("Conv2d takes the Winograd path on large maps and agrees with the direct convolution")
    func throughConv2d() {
        var random = TestRandom(seed: 21)
        let x = random.tensor([3, 33, 40])
        let weight = random.tensor([5, 3, 3, 3])
        let bias = random.tensor([5])
        let conv = Conv2d(weight: weight, bias: bias, padding: 1)
        #expect(conv.winograd != nil && 33 * 40 >= Conv2d.winogradMinimumPixels)
        #expect(conv.winograd?.tile == .four)
        #expect(conv(x).maxAbsDifference(to: referenceConv2d(x, weight: weight, bias: bias, padding: 1)) < 5e-5)
    }
}
