import Testing

@testable import Painter

@Suite struct CanvasShapesTests {
    let sky = Cell(label: 0), water = Cell(label: 5)

    /// The cells that are `cell`, as (x, y) pairs in row-major order.
    func cells(_ canvas: Canvas, equalTo cell: Cell) -> [[Int]] {
        (0 ..< canvas.gridHeight).flatMap { y in
            (0 ..< canvas.gridWidth).filter { canvas[$0, y] == cell }.map { [$0, y] }
        }
    }

    @Test func aLineHasBothEndsAndNoGaps() {
        let cells = Canvas.lineCells(fromX: 1, fromY: 5, toX: 7, toY: 2)
        #expect(cells.first! == (1, 5) && cells.last! == (7, 2))
        // Each step moves to a neighbouring cell (8-connected), one column at a time along the longer axis.
        for (a, b) in zip(cells, cells.dropFirst()) {
            #expect(abs(a.x - b.x) <= 1 && abs(a.y - b.y) <= 1 && (a.x, a.y) != (b.x, b.y))
        }
        #expect(cells.count == 7)
        #expect(Canvas.lineCells(fromX: 3, fromY: 3, toX: 3, toY: 3).count == 1)
    }

    @Test func aFootprintIsCutAtTheCanvasEdge() {
        let canvas = Canvas(width: 4, height: 3, fill: sky)
        let plus = BrushShape.round.offsets(size: 3)
        #expect(canvas.cells(under: plus, atX: 0, y: 0).map { [$0.x, $0.y] } == [[0, 0], [1, 0], [0, 1]])
        #expect(canvas.cells(under: plus, atX: 2, y: 1).count == 5)
    }

    @Test func aLineDragsTheFootprintAndInksEachCell() {
        var canvas = Canvas(width: 6, height: 4, fill: sky)
        canvas.drawLine(fromX: 0, fromY: 1, toX: 4, toY: 1, footprint: BrushShape.square.offsets(size: 2)) { _, _ in
            water
        }
        // A 2x2 square reaches one cell right and down of each point of the line.
        #expect(cells(canvas, equalTo: water) == (1 ... 2).flatMap { y in (0 ... 5).map { [$0, y] } })
        // The ink may depend on the cell: here each takes the class of its column.
        canvas.drawLine(fromX: 0, fromY: 3, toX: 5, toY: 3, footprint: [(0, 0)]) { x, _ in Cell(label: Int32(x)) }
        #expect((0 ..< 6).map { canvas[$0, 3].label } == [0, 1, 2, 3, 4, 5])
    }

    @Test func aRectangleIsFilledWhicheverCornerComesFirst() {
        var forward = Canvas(width: 5, height: 5, fill: sky)
        forward.fillRectangle(fromX: 1, fromY: 3, toX: 3, toY: 2, with: water)
        var backward = Canvas(width: 5, height: 5, fill: sky)
        backward.fillRectangle(fromX: 3, fromY: 2, toX: 1, toY: 3, with: water)
        #expect(forward == backward)
        #expect(cells(forward, equalTo: water) == [[1, 2], [2, 2], [3, 2], [1, 3], [2, 3], [3, 3]])
    }

    @Test func aFillSetsItsRegionOnly() {
        // A wall of water splits the sky in two: the fill on the left stays on the left.
        var canvas = Canvas(width: 5, height: 3, fill: sky)
        canvas.fillRectangle(fromX: 2, fromY: 0, toX: 2, toY: 2, with: water)
        let grass = Cell(label: 3)
        canvas.fill(FloodRegion(canvas: canvas, x: 0, y: 1), with: grass)
        #expect(cells(canvas, equalTo: grass) == (0 ... 2).flatMap { y in (0 ... 1).map { [$0, y] } })
        #expect(cells(canvas, equalTo: sky).count == 6)
    }
}
