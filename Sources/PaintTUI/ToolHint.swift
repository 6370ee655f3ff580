import Painter

/// The message row's text when the last action left no message: what the current tool does next, in the state
/// it is in (a line waiting for its next point, a rectangle for its opposite corner, the pen down).
public enum ToolHint {
    /// Before anything else: how to start.
    static let start = "space paints, 1-9 or the palette's letters choose a class, s tries a style, w saves"

    public static func text(for state: PainterState) -> String {
        let className = state.palette[Int(state.currentClass)].name
        if let start = state.strokeStart {
            let from = "(\(start.x),\(start.y))"
            switch state.tool {
            case .line: return "line from \(from): space sets this point and goes on, esc ends the line"
            case .rectangle: return "rectangle from \(from): move to the opposite corner, then space (esc drops it)"
            case .eraser: return "pen down: moving erases; enter lifts it"
            default: return "pen down: moving paints \(className); enter lifts it"
            }
        }
        switch state.tool {
        case .brush:
            return state.isDirty
                ? "brush: space paints \(className), enter puts the pen down, [ ] size, o shape" : start
        case .eraser: return "eraser: space erases here, enter erases as you move"
        case .line: return "line: space sets the first point"
        case .rectangle: return "rectangle: space sets the first corner"
        case .fill: return "fill: space fills the region under the cursor with \(className)"
        case .eyedropper:
            return
                "eyedropper: space picks the class under the cursor, then back to the \(state.toolAfterPick.rawValue)"
        }
    }
}
