import Painter

/// What a key asks the painter to do.
public enum Command: Hashable, Sendable {
    case move(dx: Int, dy: Int)
    /// Space: the tool at the cursor (a brush dab, a fill, a pick; line and rectangle: start, then finish).
    case apply
    /// Enter: presses or lifts the pen, so that moving paints (brush, eraser) or shapes (line, rectangle).
    case togglePen
    case tool(Tool)
    case brushSmaller, brushLarger, toggleBrushShape
    case newObject
    case undo, redo, clear
    /// The class with this id.
    case selectClass(Int)
    case nextClass, previousClass
    case toggleICPE
    case randomStyle, styleBack, styleForward, presetPicker, styleFromImage
    case save, quit, help
    /// The open dialog: the paintings saved lately.
    case open
    /// Escape: lifts the pen, closes whatever is open.
    case cancel
    /// ctrl-l: repaint the whole terminal (after another program wrote over it).
    case redraw
}
