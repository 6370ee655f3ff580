import ImageFiles
import Painter

/// The preview picture as a terminal image over the preview panel: what to send after each frame so that the
/// newest picture is shown (in place of the last one, under one kitty id) and nothing stale stays on the screen.
/// ncurses leaves the panel's cells blank (`PaintView`'s `imageArea`); the image is sent again after every full
/// repaint (which clears it), and taken away when a dialog or the help covers the panel or the panel is gone.
struct PixelPreview {
    let graphics: TerminalGraphics
    let kitty = KittyGraphics(id: 0xC1AD_E0)
    /// What is on the screen now.
    private var shown: (generation: UInt64, isDraft: Bool, area: Rect)?

    init(graphics: TerminalGraphics) {
        precondition(graphics.mode != .blocks, "half-blocks are drawn by PaintView")
        self.graphics = graphics
    }

    /// The cells the picture takes inside `area` (its top-left corner, as many whole cells as keep the picture's
    /// shape) and its size in pixels: exactly those cells.
    func placement(pictureWidth: Int, pictureHeight: Int, in area: Rect) -> (
        columns: Int, rows: Int, width: Int, height: Int
    ) {
        let cell = (graphics.cellWidth, graphics.cellHeight)
        let scale = min(
            Double(area.width * cell.0) / Double(pictureWidth), Double(area.height * cell.1) / Double(pictureHeight))
        let columns = max(1, min(area.width, Int(Double(pictureWidth) * scale) / cell.0))
        let rows = max(1, min(area.height, Int(Double(pictureHeight) * scale) / cell.1))
        return (columns, rows, columns * cell.0, rows * cell.1)
    }

    /// The bytes to write after a frame (empty when the screen already shows the right thing).
    /// - result: the newest picture; area: the panel's inside, nil when it is hidden (dialog, help, too small).
    /// - repainted: the frame cleared and redrew the whole screen.
    mutating func update(result: RenderResult?, area: Rect?, repainted: Bool) -> [UInt8] {
        guard let result, let area else {
            defer { shown = nil }
            return shown != nil && graphics.mode == .kitty ? pass(kitty.delete) : []
        }
        if !repainted, let shown, shown == (result.generation, result.isDraft, area) { return [] }
        shown = (result.generation, result.isDraft, area)
        let place = placement(pictureWidth: result.image.width, pictureHeight: result.image.height, in: area)
        let picture = result.image.scaled(width: place.width, height: place.height)
        var bytes = Array("\u{1B}7".utf8) + moveTo(x: area.x, y: area.y)
        switch graphics.mode {
        case .kitty where graphics.throughTmux:
            bytes += pass(kitty.delete)
            for sequence in kitty.transmit(picture, columns: place.columns, rows: place.rows, placeholder: true) {
                bytes += pass(sequence)
            }
            for (row, text) in kitty.placeholderRows(columns: place.columns, rows: place.rows).enumerated() {
                bytes += moveTo(x: area.x, y: area.y + row) + Array(text.utf8)
            }
        case .kitty:
            bytes += kitty.delete
            for sequence in kitty.transmit(picture, columns: place.columns, rows: place.rows) { bytes += sequence }
        case .sixel:
            let sequence = SixelImage.sequence(picture)
            bytes += graphics.tmuxSpeaksSixel ? sequence : pass(sequence)
        case .iterm2:
            bytes += pass(ITerm2Image.sequence(picture, columns: place.columns, rows: place.rows))
        case .blocks:
            return []
        }
        return bytes + Array("\u{1B}8".utf8)
    }

    /// What takes the image away before the painter ends (kitty keeps images past the alternate screen).
    mutating func remove() -> [UInt8] { update(result: nil, area: nil, repainted: false) }

    /// Whether taking the image away needs ncurses to redraw the panel's cells (sixel and iTerm2 pixels stay
    /// until text is written over them; kitty placeholders are text ncurses does not know about).
    var removalNeedsRepaint: Bool { graphics.mode != .kitty || graphics.throughTmux }

    var isShown: Bool { shown != nil }

    private func pass(_ sequence: [UInt8]) -> [UInt8] {
        graphics.throughTmux ? TmuxPassthrough.wrap(sequence) : sequence
    }

    private func moveTo(x: Int, y: Int) -> [UInt8] { Array("\u{1B}[\(y + 1);\(x + 1)H".utf8) }
}
