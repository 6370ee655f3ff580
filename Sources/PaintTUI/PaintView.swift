import ImageFiles
import Painter

/// Drawing the painter: a pure function from the session, the render status and the preview picture to a
/// `Screen`. Panels: the canvas (left), the preview picture and the class palette (right), two status rows
/// (bottom); a dialog, if open, on top.
public enum PaintView {
    /// The widest class name the palette panel shows in full.
    static let longestName = 20

    /// The palette panel's width, borders included: marker, digit key, letter key, swatch and name.
    public static func paletteWidth(_ palette: [PaletteEntry]) -> Int {
        10 + min(longestName, max(7, palette.map(\.name.count).max() ?? 0))
    }

    /// The panels for a terminal of `width x height`.
    public static func fit(_ state: PainterState, width: Int, height: Int) -> Layout.Fit {
        Layout.fit(
            width: width, height: height, gridWidth: state.canvas.gridWidth, gridHeight: state.canvas.gridHeight,
            pictureWidth: state.pictureWidth, pictureHeight: state.pictureHeight,
            paletteWidth: paletteWidth(state.palette), classCount: state.palette.count)
    }

    /// The help overlay's layout for a terminal of `width x height`, leaving a row for `helpFooter`.
    public static func helpOverlay(_ session: PaintSession, width: Int, height: Int) -> HelpOverlay {
        HelpOverlay(bindings: session.bindings, width: max(1, width - 4), height: max(1, height - 5))
    }

    /// The help's last row: the file that always holds the newest picture, then where saves go (as far as it fits).
    static func helpFooter(_ session: PaintSession, width: Int) -> String {
        let saves = "w saves into \(session.outputFolder.path)"
        guard let preview = session.state.renderer?.previewFile?.url else { return fitted(saves, width: width) }
        let picture = fitted("newest picture: \(preview.path)", width: width)
        return picture.count + 3 + saves.count <= width ? picture + "   " + saves : picture
    }

    /// The whole screen.
    /// - picture: the newest finished picture scaled to the layout's preview size (nil: none yet).
    /// - imageArea: a terminal image shows the picture (`PixelPreview`): the panel's inside stays blank.
    public static func draw(
        _ session: PaintSession, width: Int, height: Int, render: RenderStatus, picture: HalfBlockPicture?,
        colors: ColorMode,
        imageArea: Bool = false
    ) -> Screen {
        var screen = Screen(width: width, height: height)
        switch fit(session.state, width: width, height: height) {
        case .tooSmall(let needWidth, let needHeight):
            drawTooSmall(into: &screen, needWidth: needWidth, needHeight: needHeight, grid: session.state.canvas)
        case .fits(let layout):
            drawCanvas(session, layout: layout, colors: colors, into: &screen)
            drawPreview(
                layout: layout, render: render, picture: picture, colors: colors, state: session.state,
                imageArea: imageArea, into: &screen)
            drawPalette(session, layout: layout, colors: colors, into: &screen)
            drawStatus(session, layout: layout, render: render, into: &screen)
        }
        if let dialog = session.dialog {
            drawDialog(dialog, session: session, into: &screen)
        }
        return screen
    }

    // MARK: Panels

    /// Black or white, whichever reads better on `color`.
    static func contrast(to color: RGBColor) -> RGBColor {
        HalfBlockPicture.luma(color) > 140 ? RGBColor(0, 0, 0) : RGBColor(255, 255, 255)
    }

    /// The letter that stands for a class where colours cannot: its key hint, else its name's first letter.
    static func letter(of entry: PaletteEntry) -> Character {
        Character((entry.hotkey.map(String.init) ?? String(entry.name.first ?? "?")).lowercased())
    }

    /// The outline colour of the current object (a strong yellow most class colours stand apart from).
    static let currentOutline = RGBColor(255, 214, 0)

    /// `color` moved `amount` (0 ... 1) of the way to `other`.
    static func mix(_ color: RGBColor, _ other: RGBColor, _ amount: Double) -> RGBColor {
        func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * amount).rounded())
        }
        return RGBColor(
            channel(color.red, other.red), channel(color.green, other.green), channel(color.blue, other.blue))
    }

    /// The canvas: each cell in its class's colour (or letter), the cursor, the brush's footprint, the region a large
    /// fill waits to cover, and outlines where objects meet and around the object being painted.
    static func drawCanvas(_ session: PaintSession, layout: Layout, colors: ColorMode, into screen: inout Screen) {
        let state = session.state
        let canvas = state.canvas
        let palette = state.palette
        let title = "Canvas \(canvas.gridWidth)x\(canvas.gridHeight)"
        screen.box(layout.canvasBox, title: title, titleStyle: CellStyle(attributes: .bold))
        let area = layout.canvasArea
        let showsBrush = [.brush, .eraser, .line].contains(state.tool) && state.brushSize > 1
        let footprint =
            showsBrush
            ? Set(state.brushCells(x: state.cursorX, y: state.cursorY).map { $0.y * canvas.gridWidth + $0.x }) : []
        let fillRegion = session.pendingFill?.cells ?? []
        let fillColor = palette[Int(state.currentClass)].color
        let faithful = colors.showsColorsFaithfully
        let current =
            state.currentInstance != 0 ? Cell(label: state.currentClass, instance: state.currentInstance) : nil
        let edges = ObjectEdges(canvas: canvas, current: current, classBoundaries: !faithful)
        func color(_ cell: Cell) -> RGBColor { palette[Int(cell.label)].color }
        func edgeColor(_ kind: ObjectEdges.Kind, on background: RGBColor) -> RGBColor {
            kind == .current ? currentOutline : contrast(to: background)
        }

        switch layout.zoom {
        case .square:
            for y in 0 ..< canvas.gridHeight {
                for x in 0 ..< canvas.gridWidth {
                    let cell = canvas[x, y]
                    let index = y * canvas.gridWidth + x
                    let background = color(cell)
                    var style = CellStyle(foreground: contrast(to: background), background: background)
                    let screenX = area.x + 2 * x
                    let screenY = area.y + y
                    if x == state.cursorX && y == state.cursorY {
                        style.attributes = colors.hasColors ? .bold : [.bold, .reverse]
                        screen.write(state.isPressed ? "<>" : "[]", x: screenX, y: screenY, style: style)
                    } else if fillRegion.contains(index) {
                        screen.write(
                            "░░", x: screenX, y: screenY,
                            style: CellStyle(foreground: fillColor, background: background))
                    } else if footprint.contains(index) {
                        screen.write("··", x: screenX, y: screenY, style: style)
                    } else {
                        // An edge takes the side of the cell it runs along: ▁ the bottom, ▕ the right.
                        let bottom = edges.bottom(x: x, y: y)
                        let right = edges.right(x: x, y: y)
                        let plain: [Character] = faithful ? [" ", " "] : [letter(of: palette[Int(cell.label)]), " "]
                        for column in 0 ..< 2 {
                            var glyph = plain[column]
                            var edge: ObjectEdges.Kind?
                            if column == 1, let right {
                                (glyph, edge) = ("▕", right)
                            } else if let bottom {
                                (glyph, edge) = ("▁", bottom)
                            }
                            var cellStyle = style
                            if let edge { cellStyle.foreground = edgeColor(edge, on: background) }
                            screen[screenX + column, screenY] = ScreenCell(glyph, style: cellStyle)
                        }
                    }
                }
            }
        case .halfBlock:
            // One column per cell and two cells per row: no room for edge glyphs, so marks are tints of the cell.
            func shade(_ x: Int, _ y: Int) -> RGBColor {
                let cell = canvas[x, y]
                let index = y * canvas.gridWidth + x
                var shown = color(cell)
                if fillRegion.contains(index) { return mix(shown, fillColor, 0.6) }
                if footprint.contains(index) { shown = mix(shown, contrast(to: shown), 0.45) }
                switch edges.around(x: x, y: y) {
                case .current where cell == current: shown = mix(shown, currentOutline, 0.6)
                case .object: shown = mix(shown, contrast(to: shown), 0.3)
                default: break
                }
                return shown
            }
            for row in 0 ..< (canvas.gridHeight + 1) / 2 {
                for x in 0 ..< canvas.gridWidth {
                    let hasBottom = 2 * row + 1 < canvas.gridHeight
                    let cursorTop = x == state.cursorX && 2 * row == state.cursorY
                    let cursorBottom = hasBottom && x == state.cursorX && 2 * row + 1 == state.cursorY
                    if faithful {
                        let upper = shade(x, 2 * row)
                        let lower = hasBottom ? shade(x, 2 * row + 1) : nil
                        screen[area.x + x, area.y + row] = ScreenCell(
                            "▀",
                            style: CellStyle(
                                foreground: cursorTop ? contrast(to: upper) : upper,
                                background: cursorBottom ? lower.map(contrast(to:)) : lower))
                    } else {
                        let y = cursorBottom ? 2 * row + 1 : 2 * row
                        let shown = canvas[x, y]
                        let marked = [2 * row, 2 * row + 1].contains {
                            $0 < canvas.gridHeight
                                && (footprint.contains($0 * canvas.gridWidth + x)
                                    || fillRegion.contains($0 * canvas.gridWidth + x))
                        }
                        var attributes: TextAttributes = cursorTop || cursorBottom ? [.bold, .reverse] : []
                        if marked { attributes.insert(.underline) }
                        screen[area.x + x, area.y + row] = ScreenCell(
                            letter(of: palette[Int(shown.label)]),
                            style: CellStyle(
                                foreground: contrast(to: color(shown)), background: color(shown), attributes: attributes
                            ))
                    }
                }
            }
        }
    }

    static func drawPreview(
        layout: Layout, render: RenderStatus, picture: HalfBlockPicture?, colors: ColorMode, state: PainterState,
        imageArea: Bool = false,
        into screen: inout Screen
    ) {
        screen.box(
            layout.previewBox, title: "Picture \(state.pictureWidth)x\(state.pictureHeight)",
            titleStyle: CellStyle(attributes: .bold))
        if imageArea { return }
        let area = layout.previewArea
        if let picture {
            picture.draw(into: &screen, x: area.x, y: area.y, colors: colors.hasColors)
            return
        }
        let note: String
        switch render {
        case .failed(let message): note = "render failed: \(message)"
        default: note = "painting the first picture..."
        }
        for (row, line) in HelpOverlay.wrap(note, width: area.width).prefix(area.height).enumerated() {
            screen.write(line, x: area.x, y: area.y + row, limit: area.width)
        }
    }

    static func drawPalette(_ session: PaintSession, layout: Layout, colors: ColorMode, into screen: inout Screen) {
        let state = session.state
        let palette = state.palette
        screen.box(layout.paletteBox, title: "Classes", titleStyle: CellStyle(attributes: .bold))
        let area = layout.paletteArea
        let current = Int(state.currentClass)
        let first = layout.firstListedClass(current: current, classCount: palette.count)
        for row in 0 ..< min(area.height, palette.count - first) {
            let entry = palette[first + row]
            let y = area.y + row
            let isCurrent = entry.index == current
            let digit = entry.index < 10 ? String((entry.index + 1) % 10) : " "
            var letterKey = " "
            if case .character(let key) = session.bindings.classKeys[entry.index], key.isLetter {
                letterKey = String(key)
            }
            let bold = CellStyle(attributes: .bold)
            screen.write(isCurrent ? "▶" : " ", x: area.x, y: y, style: bold)
            screen.write("\(digit) \(letterKey)", x: area.x + 1, y: y, style: bold)
            let swatch = colors.showsColorsFaithfully ? "  " : "\(letter(of: entry)) "
            screen.write(
                swatch, x: area.x + 5, y: y,
                style: CellStyle(foreground: contrast(to: entry.color), background: entry.color))
            screen.write(
                entry.name, x: area.x + 8, y: y,
                style: isCurrent ? CellStyle(attributes: [.bold, .underline]) : .plain,
                limit: area.width - 8)
        }
    }

    /// The status rows: the painter's settings and the render in a bar, then the last message and key hints.
    static func drawStatus(_ session: PaintSession, layout: Layout, render: RenderStatus, into screen: inout Screen) {
        let bar = CellStyle(attributes: .reverse)
        screen.fill(Rect(x: 0, y: layout.statusRow, width: screen.width, height: 1), with: ScreenCell(" ", style: bar))
        screen.write(" " + statusLine(session.state, render: render), x: 0, y: layout.statusRow, style: bar)
        let state = session.state
        let cell = state.canvas[state.cursorX, state.cursorY]
        let hints = "(\(state.cursorX),\(state.cursorY)) \(state.palette[Int(cell.label)].name)  ? help  q quit"
        let row = layout.statusRow + 1
        let hintsX = max(0, screen.width - hints.count - 1)
        if let message = state.statusMessage, message.count + 1 >= hintsX {
            // A long message (a saved file's full path) takes the whole row.
            screen.write(" " + fitted(message, width: screen.width - 1), x: 0, y: row)
        } else {
            screen.write(
                " " + (state.statusMessage ?? ToolHint.text(for: state)), x: 0, y: row, limit: max(0, hintsX - 1))
            screen.write(hints, x: hintsX, y: row, style: CellStyle(attributes: .dim))
        }
    }

    /// `text` in at most `width` columns: as it is when it fits; else its first path (a word with a `/`) shortened
    /// from the left, so the file's name stays; else cut at the end.
    static func fitted(_ text: String, width: Int) -> String {
        let excess = text.count - width
        guard excess > 0 else { return text }
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if let index = words.firstIndex(where: { $0.contains("/") }), words[index].count > excess + 1 {
            words[index] = "…" + words[index].suffix(words[index].count - excess - 1)
            return words.joined(separator: " ")
        }
        return String(text.prefix(width))
    }

    /// `brush 3 round │ grass │ ICPE on │ style seed 42 │ done in 812 ms │ unsaved`, and `not autosaved` while the
    /// autosave cannot be written.
    public static func statusLine(_ state: PainterState, render: RenderStatus) -> String {
        var tool = state.tool.rawValue
        if [.brush, .eraser, .line].contains(state.tool) { tool += " \(state.brushSize) \(state.brushShape.rawValue)" }
        if state.isPressed { tool += " (pen down)" }
        var currentClass = state.palette[Int(state.currentClass)].name
        if state.currentInstance != 0 { currentClass += " #\(state.currentInstance)" }
        let icpe = state.model.config.useICPE ? "ICPE \(state.icpe ? "on" : "off")" : "no ICPE"
        let style = state.model.hasStyle ? "style \(state.style.summary)" : "no style encoder"
        var parts = [tool, currentClass, icpe, style, renderSummary(render)]
        if state.isDirty { parts.append("unsaved") }
        if state.autosave?.lastError() != nil { parts.append("not autosaved") }
        return parts.joined(separator: " │ ")
    }

    /// `queued`, `drafting 40%`, `draft in 52 ms, refining 40%`, `rendering 40%`, `done in 812 ms`,
    /// `render failed: ...`: "draft" while the picture shown is the small draft, "done" once it is final.
    public static func renderSummary(_ render: RenderStatus) -> String {
        func percent(_ progress: Double) -> String { "\(Int((progress * 100).rounded()))%" }
        return switch render {
        case .idle: "idle"
        case .queued: "queued"
        case .drafting(let progress): "drafting \(percent(progress))"
        case .refining(let draft, let progress):
            "draft in \(Int(draft.milliseconds.rounded())) ms, refining \(percent(progress))"
        case .rendering(let progress): "rendering \(percent(progress))"
        case .done(let result): "done in \(Int(result.milliseconds.rounded())) ms"
        case .failed(let message): "render failed: \(message)"
        }
    }

    static func drawTooSmall(into screen: inout Screen, needWidth: Int, needHeight: Int, grid: Canvas) {
        let message =
            "The terminal is \(screen.width)x\(screen.height); clade-paint needs at least \(needWidth)x\(needHeight) "
            + "for a \(grid.gridWidth)x\(grid.gridHeight) canvas. Enlarge the window (or start with a smaller --grid). q quits."
        let lines = HelpOverlay.wrap(message, width: max(1, screen.width - 2))
        let top = max(0, (screen.height - lines.count) / 2)
        for (row, line) in lines.enumerated() {
            screen.write(
                line, x: max(0, (screen.width - line.count) / 2), y: top + row, style: CellStyle(attributes: .bold))
        }
    }

    // MARK: Dialogs

    static func drawDialog(_ dialog: Dialog, session: PaintSession, into screen: inout Screen) {
        let bold = CellStyle(attributes: .bold)
        switch dialog {
        case .help(let page):
            let overlay = helpOverlay(session, width: screen.width, height: screen.height)
            let shown = min(page, overlay.pages.count - 1)
            // Every page in a box of one size, so paging does not jump; wide enough for the footer's path if the screen is.
            let footer = helpFooter(session, width: screen.width - 4)
            let insideWidth = max(overlay.pages.indices.map(overlay.width(ofPage:)).max() ?? 0, footer.count)
            let insideHeight = overlay.pages.flatMap { $0.map(\.count) }.max() ?? 0
            let box = centred(width: insideWidth + 4, height: insideHeight + 3, in: screen)
            let title: String
            if overlay.pages.count == 1 {
                title = "Keys: any key closes"
            } else if shown + 1 < overlay.pages.count {
                title = "Keys \(shown + 1)/\(overlay.pages.count): space next page, other keys close"
            } else {
                title = "Keys \(shown + 1)/\(overlay.pages.count): ← back, other keys close"
            }
            screen.box(box, title: title, titleStyle: bold)
            overlay.draw(page: shown, into: &screen, x: box.x + 2, y: box.y + 1)
            screen.write(
                footer, x: box.x + 2, y: box.maxY - 2, style: CellStyle(attributes: .dim), limit: box.width - 4)
        case .confirm(let question):
            let lines: [String]
            switch question {
            case .quit:
                lines = [
                    "The painting has unsaved changes.", "", "y  quit without saving", "w  save, then quit",
                    "n  keep painting",
                ]
            case .clear:
                lines = ["Clear the canvas back to the starting scene?", "(u undoes it)", "", "y  clear", "n  keep it"]
            case .restore(let record):
                lines =
                    [
                        "An earlier run left an unsaved painting",
                        "(\(record.canvas.gridWidth)x\(record.canvas.gridHeight), autosaved \(record.savedAt)).",
                        "", "y  carry on with it", "n  start afresh (it is kept until you paint)",
                    ]
                    + (session.autosavesWaiting > 0
                        ? ["", "\(session.autosavesWaiting) more unsaved painting(s) wait for the next starts."] : [])
            case .resume(let url):
                lines = ["Carry on with the painting saved last?", url.path, "", "y  open it", "n  start afresh"]
            case .openUnsaved(let url):
                lines = [
                    "The painting has unsaved changes. Open", url.path, "", "y  open it anyway",
                    "w  save, then open it",
                    "n  keep painting",
                ]
            }
            drawTextDialog(title: "Question", lines: lines, into: &screen)
        case .prompt(let prompt):
            let width = min(screen.width - 4, max(50, prompt.title.count + 4))
            let box = centred(width: width, height: 6, in: screen)
            screen.box(box, title: prompt.title, titleStyle: bold)
            let field = box.width - 6
            // The end of a long path stays visible.
            let shown = String(prompt.text.suffix(max(0, field - 1)))
            screen.write("> " + shown, x: box.x + 2, y: box.y + 2)
            screen.write(" ", x: box.x + 4 + shown.count, y: box.y + 2, style: CellStyle(attributes: .reverse))
            screen.write("enter: use it   esc: cancel", x: box.x + 2, y: box.y + 4, style: CellStyle(attributes: .dim))
        case .presets(let selected):
            let names = session.presetNames
            let lines = names.enumerated().map { index, name in index < 9 ? "\(index + 1)  \(name)" : "   \(name)" }
            let box = drawTextDialog(
                title: "Style presets", lines: lines + ["", "↑↓ enter: choose   esc: close"], into: &screen)
            let row = box.y + 1 + selected
            screen.write(
                " " + lines[selected].padding(toLength: box.width - 4, withPad: " ", startingAt: 0) + " ",
                x: box.x + 1, y: row, style: CellStyle(attributes: [.reverse, .bold]), limit: box.width - 2)
        case .open(let saves, let selected):
            // Name first, then the folder, shortened from the left to what the screen has room for.
            let room = max(10, screen.width - 8 - 3)
            let lines = saves.enumerated().map { index, url in
                let name = url.deletingPathExtension().lastPathComponent
                var folder = url.deletingLastPathComponent().path
                let left = room - name.count - 2
                if folder.count > left { folder = "…" + folder.suffix(max(0, left - 1)) }
                return (index < 9 ? "\(index + 1)  " : "   ") + name + "  " + folder
            }
            let box = drawTextDialog(
                title: "Open a saved painting", lines: lines + ["", "↑↓ enter: open   esc: close"], into: &screen)
            let row = box.y + 1 + selected
            screen.write(
                " " + lines[selected].padding(toLength: box.width - 4, withPad: " ", startingAt: 0) + " ",
                x: box.x + 1, y: row, style: CellStyle(attributes: [.reverse, .bold]), limit: box.width - 2)
        }
    }

    /// A centred box titled `title` with `lines` inside, each wrapped to the screen's width (a long path breaks
    /// across lines rather than being cut).
    @discardableResult
    static func drawTextDialog(title: String, lines: [String], into screen: inout Screen) -> Rect {
        let widest = max(1, screen.width - 4)
        let lines = lines.flatMap { $0.count <= widest ? [$0] : HelpOverlay.wrap($0, width: widest) }
        let inside = max(title.count + 2, lines.map(\.count).max() ?? 0)
        let box = centred(width: inside + 4, height: lines.count + 2, in: screen)
        screen.box(box, title: title, titleStyle: CellStyle(attributes: .bold))
        for (row, line) in lines.enumerated() {
            screen.write(line, x: box.x + 2, y: box.y + 1 + row, limit: box.width - 4)
        }
        return box
    }

    static func centred(width: Int, height: Int, in screen: Screen) -> Rect {
        let width = min(width, screen.width)
        let height = min(height, screen.height)
        return Rect(x: (screen.width - width) / 2, y: (screen.height - height) / 2, width: width, height: height)
    }
}
