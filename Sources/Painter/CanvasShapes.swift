/// The shapes the painter's tools lay down on the canvas, cell by cell.
extension Canvas {
    /// The cells of a straight line from one cell to another, both ends included (Bresenham's algorithm): what the
    /// line tool covers, and what a brush stroke fills in between two cursor positions.
    public static func lineCells(fromX x0: Int, fromY y0: Int, toX x1: Int, toY y1: Int) -> [(x: Int, y: Int)] {
        let dx = abs(x1 - x0)
        let dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1
        let sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        var (x, y) = (x0, y0)
        var points: [(x: Int, y: Int)] = []
        while true {
            points.append((x, y))
            if x == x1 && y == y1 { return points }
            let twice = 2 * error
            if twice >= dy {
                error += dy
                x += sx
            }
            if twice <= dx {
                error += dx
                y += sy
            }
        }
    }

    /// The cells a footprint (offsets around its centre, `BrushShape.offsets(size:)`) covers at `(x, y)`, inside the
    /// canvas.
    public func cells(under footprint: [(dx: Int, dy: Int)], atX x: Int, y: Int) -> [(x: Int, y: Int)] {
        footprint.map { (x + $0.dx, y + $0.dy) }.filter { contains(x: $0.x, y: $0.y) }
    }

    /// Drags `footprint` along the line from `(x0, y0)` to `(x1, y1)`, setting each cell it covers to `ink(x, y)`: a
    /// brush stroke (one class everywhere) or the eraser (the starting scene's cell).
    public mutating func drawLine(
        fromX x0: Int, fromY y0: Int, toX x1: Int, toY y1: Int,
        footprint: [(dx: Int, dy: Int)], ink: (_ x: Int, _ y: Int) -> Cell
    ) {
        for point in Self.lineCells(fromX: x0, fromY: y0, toX: x1, toY: y1) {
            for cell in cells(under: footprint, atX: point.x, y: point.y) { self[cell.x, cell.y] = ink(cell.x, cell.y) }
        }
    }

    /// Sets the filled rectangle between two opposite corner cells (both inside the canvas) to `cell`.
    public mutating func fillRectangle(fromX x0: Int, fromY y0: Int, toX x1: Int, toY y1: Int, with cell: Cell) {
        for y in min(y0, y1) ... max(y0, y1) {
            for x in min(x0, x1) ... max(x0, x1) { self[x, y] = cell }
        }
    }

    /// Sets the cells of `region` (found on a canvas of this size) to `cell`.
    public mutating func fill(_ region: FloodRegion, with cell: Cell) {
        for index in region.cells { self[index % gridWidth, index / gridWidth] = cell }
    }
}
