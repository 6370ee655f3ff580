/// What `press()`, `drag(to:)` and `release()` do at the cursor.
public enum Tool: String, Sendable, CaseIterable, Codable {
    /// Paints the current class with the brush along the path of the cursor.
    case brush
    /// Flood-fills the 4-connected region of the cell under the cursor (same class and instance).
    case fill
    /// Takes the class and instance of the cell under the cursor as the current ones.
    case eyedropper
    /// A straight brush line from where the press happened to where the release happens; in the painter each
    /// further press continues it from the last point (a polyline) until esc.
    case line
    /// A filled rectangle between the press and the release cells.
    case rectangle
    /// Paints the base scene back (the starting scene's cell: sky above the horizon, ground below) with the brush.
    case eraser
}

/// The footprint of the brush and eraser: a disc or a square of `size` cells across.
public enum BrushShape: String, Sendable, CaseIterable, Codable {
    case round
    case square

    /// The cell offsets `(dx, dy)` a brush of `size` (1 or more) covers around its centre.
    ///
    /// Even sizes extend one cell further to the right and down than to the left and up. Two cells across cannot be
    /// round, so the round brush of size 2 is the plus of size 3 (the smallest disc larger than one cell) rather
    /// than a 2x2 square.
    public func offsets(size: Int) -> [(dx: Int, dy: Int)] {
        if self == .round && size == 2 { return offsets(size: 3) }
        let low = -(size - 1) / 2
        let high = size / 2
        // Cell centres measured from the brush centre, which sits half a cell off for even sizes.
        let centre = Double(low + high) / 2
        // A quarter cell inside the half width, so size 3 is a plus and size 5 a disc without its corners.
        let radius = (Double(size) - 0.5) / 2
        var result: [(dx: Int, dy: Int)] = []
        for dy in low ... high {
            for dx in low ... high {
                if self == .round {
                    let ex = Double(dx) - centre
                    let ey = Double(dy) - centre
                    if ex * ex + ey * ey > radius * radius { continue }
                }
                result.append((dx, dy))
            }
        }
        return result
    }
}

extension Tool {
    /// Tools that lay down the current class along the cursor's path or shape: where a class change or a pick
    /// leads back to.
    public var isDrawingTool: Bool { self == .brush || self == .line || self == .rectangle }
}
