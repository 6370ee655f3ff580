import Testing
@testable import Painter

@Suite struct GridLineTests {
    @Test func aLineHasBothEndsAndNoGaps() {
        let cells = GridLine.cells(fromX: 1, fromY: 5, toX: 7, toY: 2)
        #expect(cells.first! == (1, 5) && cells.last! == (7, 2))
        // Each step moves to a neighbouring cell (8-connected), one column at a time along the longer axis.
        for (a, b) in zip(cells, cells.dropFirst()) {
            #expect(abs(a.x - b.x) <= 1 && abs(a.y - b.y) <= 1 && (a.x, a.y) != (b.x, b.y))
        }
        #expect(cells.count == 7)
        #expect(GridLine.cells(fromX: 3, fromY: 3, toX: 3, toY: 3).count == 1)
    }
}
