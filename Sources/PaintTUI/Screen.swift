import ImageFiles

/// Text attributes a cell can carry besides its colours.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let reverse = TextAttributes(rawValue: 1 << 1)
    public static let underline = TextAttributes(rawValue: 1 << 2)
    public static let dim = TextAttributes(rawValue: 1 << 3)
}

/// How a cell is painted: colours (nil = the terminal's own default colour) and attributes.
public struct CellStyle: Hashable, Sendable {
    public var foreground: RGBColor?
    public var background: RGBColor?
    public var attributes: TextAttributes

    public init(foreground: RGBColor? = nil, background: RGBColor? = nil, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// The terminal's default colours, no attributes.
    public static let plain = CellStyle()
}

/// One character cell of the terminal.
public struct ScreenCell: Hashable, Sendable {
    /// A character one column wide.
    public var character: Character
    public var style: CellStyle

    public init(_ character: Character = " ", style: CellStyle = .plain) {
        self.character = character
        self.style = style
    }
}

/// A rectangle of cells: columns `x ..< x + width`, rows `y ..< y + height`.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

    /// The rectangle shrunk by `amount` cells on every side (a box's inside).
    public func inset(by amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: max(0, width - 2 * amount), height: max(0, height - 2 * amount))
    }

    public var description: String { "\(width)x\(height) at (\(x), \(y))" }
}

/// The whole terminal as a grid of cells, row-major `[height, width]`: what drawing produces and the terminal
/// backend shows. Drawing outside the grid is clipped, so drawing code need not check bounds.
public struct Screen: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [ScreenCell]

    public init(width: Int, height: Int, fill: ScreenCell = ScreenCell()) {
        precondition(width >= 0 && height >= 0, "a screen cannot be \(width)x\(height)")
        self.width = width
        self.height = height
        cells = Array(repeating: fill, count: width * height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> ScreenCell {
        get {
            precondition(bounds.contains(x: x, y: y), "cell (\(x), \(y)) is outside the \(width)x\(height) screen")
            return cells[y * width + x]
        }
        set {
            guard bounds.contains(x: x, y: y) else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` from column `x` of row `y`, one column per character, stopping at `limit` columns (and at the
    /// screen's edge). Characters that are not one column wide are written as `?`. Returns the columns written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: CellStyle = .plain, limit: Int = .max) -> Int {
        var column = x
        for character in text {
            guard column - x < limit, column < width else { break }
            self[column, y] = ScreenCell(Self.isSingleColumn(character) ? character : "?", style: style)
            column += 1
        }
        return column - x
    }

    /// Fills `rect` with `cell`.
    public mutating func fill(_ rect: Rect, with cell: ScreenCell = ScreenCell()) {
        for row in max(0, rect.y) ..< min(height, rect.maxY) {
            for column in max(0, rect.x) ..< min(width, rect.maxX) {
                cells[row * width + column] = cell
            }
        }
    }

    /// Draws a single-line box around `rect` (its outermost cells) with `title` in the top edge, and clears
    /// the inside.
    public mutating func box(_ rect: Rect, title: String = "", style: CellStyle = .plain, titleStyle: CellStyle? = nil)
    {
        guard rect.width >= 2, rect.height >= 2 else { return }
        fill(rect.inset(by: 1), with: ScreenCell(" ", style: style))
        for column in rect.x + 1 ..< rect.maxX - 1 {
            self[column, rect.y] = ScreenCell("─", style: style)
            self[column, rect.maxY - 1] = ScreenCell("─", style: style)
        }
        for row in rect.y + 1 ..< rect.maxY - 1 {
            self[rect.x, row] = ScreenCell("│", style: style)
            self[rect.maxX - 1, row] = ScreenCell("│", style: style)
        }
        self[rect.x, rect.y] = ScreenCell("┌", style: style)
        self[rect.maxX - 1, rect.y] = ScreenCell("┐", style: style)
        self[rect.x, rect.maxY - 1] = ScreenCell("└", style: style)
        self[rect.maxX - 1, rect.maxY - 1] = ScreenCell("┘", style: style)
        if !title.isEmpty, rect.width > 4 {
            write(" \(title) ", x: rect.x + 1, y: rect.y, style: titleStyle ?? style, limit: rect.width - 2)
        }
    }

    /// The characters of row `y`, trailing blanks removed (for tests and for reading the screen).
    public func text(ofRow y: Int) -> String {
        var line = String(cells[y * width ..< (y + 1) * width].map(\.character))
        while line.last == " " { line.removeLast() }
        return line
    }

    /// All rows as text, one line each.
    public var text: String { (0 ..< height).map(text(ofRow:)).joined(separator: "\n") }

    /// The cells that differ from `other` (same size), as positions; all cells when the sizes differ.
    public func changedPositions(since other: Screen?) -> [(x: Int, y: Int)] {
        guard let other, other.width == width, other.height == height else {
            return (0 ..< height).flatMap { y in (0 ..< width).map { x in (x, y) } }
        }
        var changed: [(x: Int, y: Int)] = []
        for index in cells.indices where cells[index] != other.cells[index] {
            changed.append((index % width, index / width))
        }
        return changed
    }

    /// Whether a character takes exactly one terminal column: combining marks take none, East Asian wide
    /// characters and most emoji take two, and either would shift everything after them on the row.
    static func isSingleColumn(_ character: Character) -> Bool {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else { return false }
        let value = scalar.value
        if value < 0x20 || (0x7F ..< 0xA0).contains(value) { return false }
        if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark {
            return false
        }
        let wideRanges: [ClosedRange<UInt32>] = [
            0x1100 ... 0x115F, 0x2E80 ... 0x303E, 0x3041 ... 0x33FF, 0x3400 ... 0x4DBF, 0x4E00 ... 0x9FFF,
            0xA000 ... 0xA4CF, 0xAC00 ... 0xD7A3, 0xF900 ... 0xFAFF, 0xFE30 ... 0xFE4F, 0xFF00 ... 0xFF60,
            0xFFE0 ... 0xFFE6, 0x1F300 ... 0x1F64F, 0x1F900 ... 0x1F9FF, 0x20000 ... 0x3FFFD,
        ]
        return !wideRanges.contains { $0.contains(value) }
    }
}
