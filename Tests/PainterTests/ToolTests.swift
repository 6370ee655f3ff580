import Testing

@testable import Painter

@Suite struct ToolTests {
    @Test(arguments: [(1, 1), (2, 5), (3, 5), (4, 12), (5, 21), (9, 61)])
    func roundBrushCellCounts(size: Int, cells: Int) {
        #expect(BrushShape.round.offsets(size: size).count == cells)
    }

    @Test func roundBrushIsSymmetric() {
        let offsets = Set(BrushShape.round.offsets(size: 5).map { [$0.dx, $0.dy] })
        #expect(offsets.allSatisfy { offsets.contains([-$0[0], $0[1]]) && offsets.contains([$0[1], $0[0]]) })
        #expect(!offsets.contains([2, 2]) && offsets.contains([2, 1]))
    }

    /// No round size is a filled square (a 2x2 block would be).
    @Test(arguments: 2 ... 9)
    func roundBrushIsNeverASquare(size: Int) {
        let offsets = BrushShape.round.offsets(size: size)
        let across = (offsets.map(\.dx).max() ?? 0) - (offsets.map(\.dx).min() ?? 0) + 1
        #expect(offsets.count < across * across)
    }

    @Test(arguments: 1 ... 9)
    func squareBrushCoversSizeSquared(size: Int) {
        let offsets = BrushShape.square.offsets(size: size)
        #expect(offsets.count == size * size)
        #expect(offsets.map(\.dx).min() == -(size - 1) / 2 && offsets.map(\.dx).max() == size / 2)
    }
}
