/// The cells of a straight line on the grid (Bresenham's algorithm): what the line tool covers, and what a brush
/// stroke fills in between two cursor positions.
enum GridLine {
    /// From one cell to another, both ends included.
    static func cells(fromX x0: Int, fromY y0: Int, toX x1: Int, toY y1: Int) -> [(x: Int, y: Int)] {
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
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
}
