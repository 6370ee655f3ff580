import Testing
@testable import CLADE

@Suite("Winograd")
struct WinogradTests {
    /// Even and odd sizes (a last tile row or column half outside), one-pixel maps, chunks of one tile row, more
    /// bands than threads, and rows of 8 tiles and more (the vector transforms, with tiles left over).
    @Test("F(2x2, 3x3) agrees with the direct convolution", arguments: [
        (3, 5, 8, 10, 2, 1 << 19), (4, 3, 9, 7, 3, 1), (2, 2, 1, 1, 1, 1 << 19), (6, 4, 13, 12, 5, 16 * 10 * 7 * 2),
        (3, 4, 6, 34, 2, 1 << 19), (2, 3, 5, 33, 2, 1), (2, 2, 4, 16, 1, 1 << 19),
    ])
    func matchesDirect(inC: Int, outC: Int, h: Int, w: Int, parts: Int, budget: Int) throws {
        var random = TestRandom(seed: UInt64(inC * 100 + h * 10 + w))
        let x = random.tensor([inC, h, w])
        let weight = random.tensor([outC, inC, 3, 3]), bias = random.tensor([outC])
        let conv = Conv2d(weight: weight, bias: bias, padding: 1)
        let winograd = try #require(conv.winograd)
        let start = random.tensor([outC, h, w])
        var output = start
        let parts = max(1, min(parts, (h + 1) / 2))
        let workspace = Workspace()
        let scratch = workspace.buffer(count: parts * winograd.chunkFloats(width: w, height: h, budget: budget))
        x.data.withUnsafeBufferPointer { input in
            output.data.withUnsafeMutableBufferPointer { out in
                winograd.accumulate(input.baseAddress!, height: h, width: w, into: out.baseAddress!, scratch: scratch,
                                    parts: parts, chunkBudget: budget)
            }
        }
        let direct = referenceConv2d(x, weight: weight, bias: nil, padding: 1)
        for i in output.data.indices { #expect(abs(output.data[i] - (start.data[i] + direct.data[i])) < 1e-5, "element \(i)") }
    }

    @Test("Conv2d keeps the Winograd form only for 3x3, stride 1, padding 1 with few weights")
    func eligibility() {
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 3, 3]), bias: nil, padding: 1).winograd != nil)
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 3, 3]), bias: nil, stride: 2, padding: 1).winograd == nil)
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 3, 3]), bias: nil, padding: 0).winograd == nil)
        #expect(Conv2d(weight: Tensor(zeros: [4, 4, 1, 1]), bias: nil).winograd == nil)
        #expect(Conv2d(weight: Tensor(zeros: [1024, 1024, 3, 3]), bias: nil, padding: 1).winograd == nil)
    }

    @Test("Conv2d takes the Winograd path on large maps and agrees with the direct convolution")
    func throughConv2d() {
        var random = TestRandom(seed: 21)
        let x = random.tensor([3, 33, 40])
        let weight = random.tensor([5, 3, 3, 3]), bias = random.tensor([5])
        let conv = Conv2d(weight: weight, bias: bias, padding: 1)
        #expect(conv.winograd != nil && 33 * 40 >= Conv2d.winogradMinimumPixels)
        #expect(conv(x).maxAbsDifference(to: referenceConv2d(x, weight: weight, bias: bias, padding: 1)) < 1e-5)
    }
}
