import Testing

@testable import Painter

@Suite struct FloodRegionTests {
    @Test func theRegionStopsAtOtherCellsAndDiagonals() {
        // 4x3: a wall of class 1 in column 1 except at the bottom; (3, 0) is cut off diagonally by (2, 0) and (3, 1).
        var canvas = Canvas(width: 4, height: 3, fill: Cell(label: 0))
        canvas[1, 0] = Cell(label: 1)
        canvas[1, 1] = Cell(label: 1)
        canvas[2, 0] = Cell(label: 2)
        canvas[3, 1] = Cell(label: 2)
        let region = FloodRegion(canvas: canvas, x: 0, y: 0)
        // (0,0) (0,1) (0,2) (1,2) (2,2) (3,2) (2,1); not (3,0).
        #expect(region.cells == [0, 4, 8, 9, 10, 11, 6])
        #expect(region.share == 7.0 / 12.0)
        #expect(FloodRegion(canvas: canvas, x: 3, y: 0).cells == [3])
    }

    @Test func anotherInstanceOfTheClassIsAnotherRegion() {
        var canvas = Canvas(width: 3, height: 1, fill: Cell(label: 4, instance: 1))
        canvas[2, 0] = Cell(label: 4, instance: 2)
        #expect(FloodRegion(canvas: canvas, x: 0, y: 0).cells == [0, 1])
    }
}
