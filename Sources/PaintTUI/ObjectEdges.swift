import Painter

/// Where one object of the canvas meets another, for drawing outlines: two touching trees of one class are two
/// objects (different instance ids) that colour alone cannot tell apart.
///
/// Each cell carries the edges on its right and bottom sides (its left and top ones belong to the neighbours), so an
/// edge is drawn once, in the cell before it.
struct ObjectEdges {
    enum Kind: Equatable {
        /// Between two different objects (instances of one class, or an object and what surrounds it).
        case object
        /// Around the object the strokes paint now.
        case current
    }

    let gridWidth: Int
    private var right: [Kind?]
    private var bottom: [Kind?]

    /// - current: the object to outline as the current one (nil: none).
    /// - classBoundaries: also mark edges between plain regions (instance 0) of different classes, for terminals that
    ///   cannot show the classes' colours.
    init(canvas: Canvas, current: Cell?, classBoundaries: Bool) {
        gridWidth = canvas.gridWidth
        right = Array(repeating: nil, count: canvas.cells.count)
        bottom = right
        func kind(_ a: Cell, _ b: Cell) -> Kind? {
            guard a != b else { return nil }
            if let current, (a == current) != (b == current) { return .current }
            return a.label == b.label || a.instance != 0 || b.instance != 0 || classBoundaries ? .object : nil
        }
        for y in 0 ..< canvas.gridHeight {
            for x in 0 ..< canvas.gridWidth {
                let cell = canvas[x, y]
                if x + 1 < canvas.gridWidth { right[y * gridWidth + x] = kind(cell, canvas[x + 1, y]) }
                if y + 1 < canvas.gridHeight { bottom[y * gridWidth + x] = kind(cell, canvas[x, y + 1]) }
            }
        }
    }

    /// The edge between cell `(x, y)` and the one to its right.
    func right(x: Int, y: Int) -> Kind? { right[y * gridWidth + x] }
    /// The edge between cell `(x, y)` and the one below it.
    func bottom(x: Int, y: Int) -> Kind? { bottom[y * gridWidth + x] }
    /// The strongest edge on any of the cell's four sides.
    func around(x: Int, y: Int) -> Kind? {
        let sides = [
            right(x: x, y: y), bottom(x: x, y: y), x > 0 ? right(x: x - 1, y: y) : nil,
            y > 0 ? bottom(x: x, y: y - 1) : nil,
        ]
        return sides.contains(.current) ? .current : sides.contains(.object) ? .object : nil
    }
}
