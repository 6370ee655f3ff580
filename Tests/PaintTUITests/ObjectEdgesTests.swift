import Painter
import Testing

@testable import PaintTUI

@Suite struct ObjectEdgesTests {
    /// 4x2 of class 0 (plain), with tree 1 at (1, 0), tree 2 at (2, 0) and class 3 (plain) at (3, 1).
    func canvas() -> Canvas {
        var canvas = Canvas(width: 4, height: 2, fill: Cell(label: 0))
        canvas[1, 0] = Cell(label: 4, instance: 1)
        canvas[2, 0] = Cell(label: 4, instance: 2)
        canvas[3, 1] = Cell(label: 3)
        return canvas
    }

    @Test func edgesRunWhereObjectsMeet() {
        let edges = ObjectEdges(canvas: canvas(), current: nil, classBoundaries: false)
        // Plain region to tree 1, tree 1 to tree 2, tree 2 to the plain region: all object edges.
        #expect(
            edges.right(x: 0, y: 0) == .object && edges.right(x: 1, y: 0) == .object
                && edges.right(x: 2, y: 0) == .object)
        #expect(edges.bottom(x: 1, y: 0) == .object && edges.bottom(x: 2, y: 0) == .object)
        // Two plain regions of different classes: their colours tell them apart, no edge.
        #expect(edges.right(x: 2, y: 1) == nil)
        #expect(edges.bottom(x: 0, y: 0) == nil && edges.right(x: 0, y: 1) == nil)
        // The last column and row have nothing to their right or below.
        #expect(edges.right(x: 3, y: 0) == nil && edges.bottom(x: 3, y: 1) == nil)
    }

    @Test func theCurrentObjectIsOutlinedAllRound() {
        let edges = ObjectEdges(canvas: canvas(), current: Cell(label: 4, instance: 2), classBoundaries: false)
        #expect(
            edges.right(x: 1, y: 0) == .current && edges.right(x: 2, y: 0) == .current
                && edges.bottom(x: 2, y: 0) == .current)
        #expect(edges.right(x: 0, y: 0) == .object)
        #expect(
            edges.around(x: 2, y: 0) == .current && edges.around(x: 1, y: 0) == .current
                && edges.around(x: 0, y: 1) == nil)
    }

    @Test func withoutColoursClassBoundariesAreDrawnToo() {
        let edges = ObjectEdges(canvas: canvas(), current: nil, classBoundaries: true)
        #expect(edges.right(x: 2, y: 1) == .object && edges.bottom(x: 3, y: 0) == .object)
    }
}
