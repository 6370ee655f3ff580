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

    /// Maps cut into several chunks, done instead as one whole-map batch: thread counts above and below the
    /// channel counts, rows of 8 tiles and more.
    @Test(
        "a whole-map batch agrees with the direct convolution and does not depend on the threads",
        arguments: [Winograd.Tile.two, .four], [(3, 5, 17, 10), (6, 4, 13, 40), (2, 3, 33, 37), (9, 7, 64, 64)])
    func wholeMap(tile: Winograd.Tile, shape: (inC: Int, outC: Int, h: Int, w: Int)) {
        let (inC, outC, h, w) = shape
        var random = TestRandom(seed: UInt64(inC * 1000 + h * 10 + w))
        let x = random.tensor([inC, h, w])
        let weight = random.tensor([outC, inC, 3, 3])
        let winograd = Winograd(weight: weight, tile: tile)
        let plan = winograd.plan(width: w, height: h, chunkBudget: 1, wholeMapBudget: 1 << 30)
        #expect(plan == Winograd.Plan(batchRows: (h + winograd.m - 1) / winograd.m, isWholeMap: true))
        let start = random.tensor([outC, h, w])
        let outputs = [1, 2, 3, 8].map {
            Self.accumulate(winograd, x, onto: start, parts: $0, budget: 1, wholeMapBudget: 1 << 30)
        }
        #expect(outputs.allSatisfy { $0 == outputs[0] })
        let direct = referenceConv2d(x, weight: weight, bias: nil, padding: 1)
        let tolerance: Float = tile == .two ? 1e-5 : 5e-5
        for i in direct.data.indices {
            #expect(abs(outputs[0].data[i] - (start.data[i] + direct.data[i])) < tolerance, "element \(i)")
        }
        let chunked = Self.accumulate(winograd, x, onto: start, parts: 2, budget: 1)
        #expect(chunked.maxAbsDifference(to: outputs[0]) < tolerance)
    }

    /// A fresh output: every value stored with its channel's bias, nothing read (the output starts as NaN).
    @Test(
        "stored outputs hold the convolution plus the bias", arguments: [Winograd.Tile.two, .four], [false, true])
    func storing(tile: Winograd.Tile, wholeMap: Bool) {
        var random = TestRandom(seed: wholeMap ? 31 : 32)
        let (inC, outC, h, w) = (4, 5, 19, 37)
        let x = random.tensor([inC, h, w])
        let weight = random.tensor([outC, inC, 3, 3])
        let bias = random.tensor([outC])
        let winograd = Winograd(weight: weight, tile: tile)
        let plan = winograd.plan(width: w, height: h, chunkBudget: 1, wholeMapBudget: wholeMap ? 1 << 30 : 0)
        #expect(plan.isWholeMap == wholeMap)
        let workspace = Workspace()
        let scratch = workspace.buffer(count: winograd.scratchFloats(width: w, height: h, plan: plan, parts: 2))
        var output = Tensor(shape: [outC, h, w], data: [Float](repeating: .nan, count: outC * h * w))
        withExtendedLifetime(workspace) {
            x.data.withUnsafeBufferPointer { input in
                bias.data.withUnsafeBufferPointer { bias in
                    output.data.withUnsafeMutableBufferPointer { out in
                        winograd.accumulate(
                            { channel, rows, _ in input.baseAddress! + (channel * h + rows.lowerBound) * w }, height: h,
                            width: w, into: out.baseAddress!, bias: bias.baseAddress, storing: true, scratch: scratch,
                            plan: plan, parts: 2)
                    }
                }
            }
        }
        let direct = referenceConv2d(x, weight: weight, bias: bias, padding: 1)
        #expect(!output.data.contains { $0.isNaN })
        #expect(output.maxAbsDifference(to: direct) < (tile == .two ? 1e-5 : 5e-5))
    }

    @Test("chunks by the thread count do not change the result")
    func chunksThreadInvariant() {
        var random = TestRandom(seed: 5)
        let x = random.tensor([5, 41, 19])
        let winograd = Winograd(weight: random.tensor([4, 5, 3, 3]), tile: .four)
        #expect(!winograd.plan(width: 19, height: 41, chunkBudget: 1, wholeMapBudget: 0).isWholeMap)
        let start = random.tensor([4, 41, 19])
        let outputs = [1, 2, 3, 7].map { Self.accumulate(winograd, x, onto: start, parts: $0, budget: 1) }
        #expect(outputs.allSatisfy { $0 == outputs[0] })
    }

    /// The bundled model's Winograd layers at 256x256 (ngf 32, edges): whole-map batches at 16x16, 32x32 and 64x64,
    /// where chunks would read the layer's weights again and again, chunks at 128x128 and 256x256; and ngf 64's
    /// layers at 32x32 and 64x64, whose whole maps pass `wholeMapBudget` but not twice their weights.
    @Test(
        "whole-map batches on small maps, chunks on large ones",
        arguments: [
            (513, 512, 16, Winograd.Tile.two, true), (513, 256, 32, .two, true), (257, 256, 32, .four, true),
            (257, 128, 64, .four, true),
            (129, 128, 64, .four, true), (129, 64, 128, .four, false), (65, 32, 256, .four, false),
            (33, 32, 256, .four, false), (33, 3, 256, .four, false),
            (1025, 512, 32, .two, true), (513, 512, 32, .two, true), (513, 256, 64, .four, true),
            (257, 256, 64, .four, true), (257, 128, 128, .four, false),
        ])
    func plans(layer: (inC: Int, outC: Int, size: Int, tile: Winograd.Tile, wholeMap: Bool)) {
        let winograd = Winograd(weight: Tensor(zeros: [layer.outC, layer.inC, 3, 3]), tile: layer.tile)
        let plan = winograd.plan(width: layer.size, height: layer.size, wholeMapBudget: winograd.wholeMapLimit)
        #expect(plan.isWholeMap == layer.wholeMap)
        let tiles = plan.batchRows * (layer.size / winograd.m)
        let batchFloats = winograd.points * (layer.inC + layer.outC) * tiles
        if plan.isWholeMap {
            #expect(batchFloats <= max(Winograd.wholeMapBudget, 2 * winograd.transformedWeights.count))
        } else {
            #expect(batchFloats <= 1 << 20)
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

    /// The convolution added onto `start`, in chunks of `budget` floats, or the whole map in one batch when its
    /// buffers fit `wholeMapBudget` (0: never).
    static func accumulate(
        _ winograd: Winograd, _ x: Tensor, onto start: Tensor, parts: Int, budget: Int, wholeMapBudget: Int = 0
    ) -> Tensor {
        let (h, w) = (x.height, x.width)
        var output = start
        let plan = winograd.plan(width: w, height: h, chunkBudget: budget, wholeMapBudget: wholeMapBudget)
        let workspace = Workspace()
        let scratch = workspace.buffer(count: winograd.scratchFloats(width: w, height: h, plan: plan, parts: parts))
        withExtendedLifetime(workspace) {
            x.data.withUnsafeBufferPointer { input in
                output.data.withUnsafeMutableBufferPointer { out in
                    winograd.accumulate(
                        { channel, rows, _ in input.baseAddress! + (channel * h + rows.lowerBound) * w }, height: h,
                        width: w, into: out.baseAddress!, bias: nil, storing: false, scratch: scratch, plan: plan,
                        parts: parts)
                }
            }
        }
        return output
    }

    /// The Winograd tile a 3x3, stride 1, padding 1 convolution of `outC` x `inC` takes on maps of `mapPixels`.
    static func tile(_ outC: Int, _ inC: Int, mapPixels: Int?) -> Winograd.Tile? {
        Conv2d(weight: Tensor(zeros: [outC, inC, 3, 3]), bias: nil, padding: 1, mapPixels: mapPixels).winograd?.tile
    }

    @Test("Conv2d takes a Winograd form only for 3x3, stride 1, padding 1 on maps of 16x16 and more with few weights")
    func eligibility() {
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 3, 3]), bias: nil, padding: 1).winograd != nil)
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 3, 3]), bias: nil, stride: 2, padding: 1).winograd == nil)
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 3, 3]), bias: nil, padding: 0).winograd == nil)
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 1, 1]), bias: nil).winograd == nil)
        #expect(Self.tile(2048, 1024, mapPixels: nil) == nil)
        #expect(Self.tile(4, 4, mapPixels: nil) == .four)
        // The bundled model's up_0 conv_0 (513 -> 256 channels at 32x32), its 16x16 G_middle blocks (513 -> 512) and
        // its 8x8 head.
        #expect(Self.tile(256, 513, mapPixels: 32 * 32) == .two)
        #expect(Self.tile(512, 513, mapPixels: 16 * 16) == .two)
        #expect(Self.tile(4, 4, mapPixels: 16 * 16) == .two)
        #expect(Self.tile(4, 4, mapPixels: 8 * 8) == nil)
        // ngf 64's up_1 conv_0 (513 -> 256 channels at 64x64): F(4x4), whose tiles pay on the larger map.
        #expect(Self.tile(256, 513, mapPixels: 64 * 64) == .four)
        // ngf 64's up_0 conv_0 (1025 -> 512 channels at 32x32) keeps F(2x2, 3x3): F(4x4)'s weights would pass the RSS limit.
        #expect(Self.tile(512, 1025, mapPixels: 32 * 32) == .two)
        // ngf 64's middle blocks (1025 -> 1024 channels at 16x16) and its head (at 8x8).
        #expect(Self.tile(1024, 1025, mapPixels: 16 * 16) == .two)
        #expect(Self.tile(1024, 1025, mapPixels: 8 * 8) == nil)
    }

    @Test("Conv2d takes the Winograd path and agrees with the direct convolution")
    func throughConv2d() {
        var random = TestRandom(seed: 21)
        let x = random.tensor([3, 33, 40])
        let weight = random.tensor([5, 3, 3, 3])
        let bias = random.tensor([5])
        let conv = Conv2d(weight: weight, bias: bias, padding: 1)
        #expect(conv.winograd?.tile == .four)
        #expect(conv(x).maxAbsDifference(to: referenceConv2d(x, weight: weight, bias: bias, padding: 1)) < 5e-5)
    }
}
