import Testing

@testable import CLADE

@Suite("Conv2d")
struct Conv2dTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let inC, outC, k, stride, padding, h, w: Int
        let bias: Bool
        var testDescription: String { "\(inC)->\(outC) k\(k) s\(stride) p\(padding) \(h)x\(w)\(bias ? " bias" : "")" }
    }

    static let cases: [Case] = [
        Case(inC: 5, outC: 7, k: 3, stride: 1, padding: 1, h: 9, w: 11, bias: true),
        Case(inC: 3, outC: 4, k: 3, stride: 2, padding: 1, h: 16, w: 13, bias: false),
        Case(inC: 6, outC: 3, k: 1, stride: 1, padding: 0, h: 5, w: 8, bias: false),
        Case(inC: 6, outC: 3, k: 1, stride: 1, padding: 0, h: 5, w: 8, bias: true),
        Case(inC: 2, outC: 2, k: 3, stride: 1, padding: 0, h: 6, w: 7, bias: true),
        Case(inC: 2, outC: 3, k: 5, stride: 1, padding: 2, h: 3, w: 4, bias: true),
        Case(inC: 4, outC: 2, k: 3, stride: 2, padding: 1, h: 1, w: 1, bias: true),
    ]

    @Test("agrees with the direct definition", arguments: cases)
    func matchesReference(_ c: Case) {
        var random = TestRandom(seed: UInt64(c.inC * 1000 + c.k * 10 + c.stride))
        let x = random.tensor([c.inC, c.h, c.w])
        let weight = random.tensor([c.outC, c.inC, c.k, c.k])
        let bias = c.bias ? random.tensor([c.outC]) : nil
        // Maps of one pixel at the model's size: im2col, whatever the shape (Winograd has tests of its own).
        let conv = Conv2d(weight: weight, bias: bias, stride: c.stride, padding: c.padding, mapPixels: 1)
        let expected = referenceConv2d(x, weight: weight, bias: bias, stride: c.stride, padding: c.padding)
        let output = conv(x)
        #expect(output.shape == expected.shape)
        #expect(output.maxAbsDifference(to: expected) < 1e-5)
    }

    /// Tiles of one output row, of a few rows, of a remainder, and of the whole image all give the same result.
    @Test(
        "tiling over output rows does not change the result", arguments: [1, 3 * 9 * 10, 3 * 9 * 10 * 4 + 5, 1 << 20])
    func tiling(budget: Int) {
        var random = TestRandom(seed: 7)
        let x = random.tensor([3, 12, 10])
        let weight = random.tensor([4, 3, 3, 3])
        let bias = random.tensor([4])
        let conv = Conv2d(weight: weight, bias: bias, padding: 1, mapPixels: 1)
        var output = Tensor(zeros: [4, 12, 10])
        conv.accumulate(.stored(x), into: &output, workspace: Workspace(), tileBudget: budget, minimumColumns: 1)
        #expect(output.maxAbsDifference(to: referenceConv2d(x, weight: weight, bias: bias, padding: 1)) < 1e-5)
    }

    /// Runs of tiles per thread (more threads than tiles, a remainder, one-row tiles, one shared tile).
    @Test(
        "tiles over threads give the same result",
        arguments: [(2, 1), (3, 3 * 9 * 10 * 2), (5, 1 << 20), (12, 1), (16, 3 * 9 * 10 * 3)])
    func bands(parts: Int, budget: Int) {
        var random = TestRandom(seed: 11)
        let x = random.tensor([3, 12, 10])
        let weight = random.tensor([4, 3, 3, 3])
        let bias = random.tensor([4])
        let conv = Conv2d(weight: weight, bias: bias, padding: 1, mapPixels: 1)
        var output = Tensor(zeros: [4, 12, 10])
        conv.accumulate(
            .stored(x), into: &output, workspace: Workspace(), tileBudget: budget, minimumColumns: 1, parts: parts)
        #expect(output.maxAbsDifference(to: referenceConv2d(x, weight: weight, bias: bias, padding: 1)) < 1e-5)
    }

    /// The pieces of the work depend on the shapes only, so any thread count gives the same bits (im2col tiles
    /// and the Winograd path).
    @Test("the result does not depend on the thread count", arguments: [1, Conv2d.winogradMinimumPixels])
    func threadCountInvariant(mapPixels: Int) {
        var random = TestRandom(seed: 12)
        let x = random.tensor([6, 37, 20])
        let weight = random.tensor([5, 6, 3, 3])
        let bias = random.tensor([5])
        let conv = Conv2d(weight: weight, bias: bias, padding: 1, mapPixels: mapPixels)
        #expect((conv.winograd != nil) == (mapPixels >= Conv2d.winogradMinimumPixels))
        let outputs = [1, 2, 3, 7].map { parts in
            var output = Tensor(zeros: [5, 37, 20])
            conv.accumulate(
                .stored(x), into: &output, workspace: Workspace(), tileBudget: 6 * 9 * 20 * 2, minimumColumns: 1,
                parts: parts)
            return output
        }
        #expect(outputs.allSatisfy { $0 == outputs[0] })
    }

    @Test("accumulate adds onto what the output holds")
    func accumulates() {
        var random = TestRandom(seed: 8)
        let x = random.tensor([2, 5, 6])
        let weight = random.tensor([3, 2, 3, 3])
        let bias = random.tensor([3])
        let start = random.tensor([3, 5, 6])
        var output = start
        Conv2d(weight: weight, bias: bias, padding: 1).accumulate(x, into: &output)
        let direct = referenceConv2d(x, weight: weight, bias: bias, padding: 1)
        for i in output.data.indices { #expect(abs(output.data[i] - (start.data[i] + direct.data[i])) < 1e-5) }
    }

    @Test("output size follows PyTorch's formula")
    func outputSize() {
        let conv = Conv2d(weight: Tensor(zeros: [1, 1, 3, 3]), bias: nil, stride: 2, padding: 1)
        #expect(conv.outputSize(height: 256, width: 255) == (128, 128))
        #expect(conv.outputSize(height: 1, width: 2) == (1, 1))
    }

    @Test("one workspace serves convolutions of different sizes")
    func sharedWorkspace() {
        var random = TestRandom(seed: 9)
        let workspace = Workspace()
        for (inC, size) in [(2, 4), (6, 9), (1, 3)] {
            let x = random.tensor([inC, size, size])
            let weight = random.tensor([2, inC, 3, 3])
            let output = Conv2d(weight: weight, bias: nil, padding: 1)(x, workspace: workspace)
            #expect(output.maxAbsDifference(to: referenceConv2d(x, weight: weight, bias: nil, padding: 1)) < 1e-5)
        }
    }
}
