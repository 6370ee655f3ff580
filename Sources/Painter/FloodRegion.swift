/// The 4-connected region of cells equal to a starting cell: what the fill tool paints.
public struct FloodRegion: Sendable, Equatable {
    /// Where the region was started.
    public let x: Int, y: Int
    /// The region's cells as row-major indices into the canvas (`y * gridWidth + x`).
    public let cells: Set<Int>
    /// The share of the canvas the region covers, 0 ... 1.
    public let share: Double

    /// The region of `canvas` holding the cell at `(x, y)`.
    public init(canvas: Canvas, x: Int, y: Int) {
        precondition(
            canvas.contains(x: x, y: y),
            "cell (\(x), \(y)) is outside the \(canvas.gridWidth)x\(canvas.gridHeight) canvas")
        let target = canvas[x, y]
        let width = canvas.gridWidth
        var cells: Set<Int> = [y * width + x]
        var stack = [(x, y)]
        while let (px, py) = stack.popLast() {
            for (nx, ny) in [(px - 1, py), (px + 1, py), (px, py - 1), (px, py + 1)]
            where canvas.contains(x: nx, y: ny) && canvas[nx, ny] == target && cells.insert(ny * width + nx).inserted {
                stack.append((nx, ny))
            }
        }
        self.x = x
        self.y = y
        self.cells = cells
        share = Double(cells.count) / Double(canvas.cells.count)
    }
}
