/// The `?` overlay: every key of `KeyBindings`, grouped, in as many columns as the terminal's width allows, and
/// in pages when even that is too tall.
public struct HelpOverlay: Sendable, Equatable {
    /// One row of a column: a group title, or keys and (part of) their help text.
    public struct Line: Sendable, Equatable {
        public var keys: String
        public var text: String
        public var isTitle: Bool
        /// A wrapped entry's second or later line.
        public var continues = false
    }

    /// `pages[p][c]` is column `c` of page `p`.
    public let pages: [[[Line]]]
    public let columnWidth: Int
    public let keysWidth: Int
    static let gap = 2
    /// Narrower columns wrap nearly every line: pages read better.
    static let narrowestColumn = 34

    /// Lays out `bindings` inside a box whose inside is `width x height` cells.
    public init(bindings: KeyBindings, width: Int, height: Int) {
        let rows = max(1, height)
        let entries = bindings.groups.flatMap(\.entries)
        let widestKeys = entries.map(\.keys.count).max() ?? 0
        // Keys wrap at spaces only, so the widest single key name must fit.
        let widestKeyName = entries.flatMap { $0.keys.split(separator: " ") }.map(\.count).max() ?? 0
        let widestLine = widestKeys + 1 + (entries.map(\.help.count).max() ?? 0)
        // The fewest columns that show everything on one page; else the most that stay readable, in pages.
        let mostColumns = max(1, (width + Self.gap) / (min(width, Self.narrowestColumn) + Self.gap))
        var chosen: (columns: Int, width: Int, keys: Int, lines: [Line])?
        for columns in 1 ... mostColumns {
            let columnWidth = min(widestLine, (width - (columns - 1) * Self.gap) / columns)
            let keysWidth = min(widestKeys, max(widestKeyName, columnWidth / 3))
            let lines = Self.lines(bindings, width: columnWidth, keysWidth: keysWidth)
            chosen = (columns, columnWidth, keysWidth, lines)
            if Self.split(lines, rows: rows).count <= columns { break }
        }
        let layout = chosen!
        columnWidth = layout.width
        keysWidth = layout.keys
        let columns = Self.split(layout.lines, rows: rows)
        pages = stride(from: 0, to: columns.count, by: layout.columns).map {
            Array(columns[$0 ..< min($0 + layout.columns, columns.count)])
        }
    }

    /// The help as lines of at most `width` characters: titles, then each entry's keys padded to `keysWidth`
    /// and its text wrapped at spaces into the rest.
    static func lines(_ bindings: KeyBindings, width: Int, keysWidth: Int) -> [Line] {
        var lines: [Line] = []
        let textWidth = max(1, width - keysWidth - 1)
        for group in bindings.groups {
            lines.append(Line(keys: "", text: group.title, isTitle: true))
            for entry in group.entries {
                let keys = wrap(entry.keys, width: keysWidth)
                let text = wrap(entry.help, width: textWidth)
                for row in 0 ..< max(keys.count, text.count) {
                    lines.append(
                        Line(
                            keys: row < keys.count ? keys[row] : "", text: row < text.count ? text[row] : "",
                            isTitle: false,
                            continues: row > 0))
                }
            }
        }
        return lines
    }

    /// Columns of at most `rows` lines. An entry's wrapped lines stay together, and a group title stays with the
    /// entry after it, unless a block is taller than a column.
    static func split(_ lines: [Line], rows: Int) -> [[Line]] {
        // Blocks: a title with its first entry, or one entry.
        var blocks: [[Line]] = []
        for line in lines {
            let continues = line.continues && !blocks.isEmpty
            let afterTitle = blocks.last?.count == 1 && blocks.last?.first?.isTitle == true
            if continues || afterTitle {
                blocks[blocks.count - 1].append(line)
            } else {
                blocks.append([line])
            }
        }
        var columns: [[Line]] = []
        var current: [Line] = []
        for block in blocks {
            if !current.isEmpty && current.count + block.count > rows {
                columns.append(current)
                current = []
            }
            for line in block {
                if current.count == rows {
                    columns.append(current)
                    current = []
                }
                current.append(line)
            }
        }
        if !current.isEmpty { columns.append(current) }
        return columns
    }

    /// `text` broken at spaces into lines of at most `width` characters (a longer word is cut).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            var word = Substring(word)
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            while word.count > width {
                if !line.isEmpty {
                    lines.append(line)
                    line = ""
                }
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// The box's inside width the page needs.
    public func width(ofPage page: Int) -> Int {
        let count = pages[page].count
        return count * columnWidth + (count - 1) * Self.gap
    }

    /// Draws page `page` with its top-left corner at `(x, y)`.
    public func draw(page: Int, into screen: inout Screen, x: Int, y: Int) {
        for (index, column) in pages[page].enumerated() {
            let left = x + index * (columnWidth + Self.gap)
            for (row, line) in column.enumerated() {
                if line.isTitle {
                    screen.write(
                        line.text, x: left, y: y + row, style: CellStyle(attributes: [.bold, .underline]),
                        limit: columnWidth)
                } else {
                    screen.write(line.keys, x: left, y: y + row, style: CellStyle(attributes: .bold), limit: keysWidth)
                    screen.write(line.text, x: left + keysWidth + 1, y: y + row, limit: columnWidth - keysWidth - 1)
                }
            }
        }
    }
}
