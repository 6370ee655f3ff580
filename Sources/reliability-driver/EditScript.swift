import CLADE
import Painter

/// A reproducible stream of painter actions: the same seed gives the same actions on the same state, so a checker
/// can replay what a killed driver did.
struct EditScript {
    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    private mutating func below(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }

    /// Applies one action to `state` and returns its name. Brush, eraser, line and rectangle strokes are pressed,
    /// dragged and released within the action, so every action ends with nothing pressed.
    mutating func step(_ state: PainterState) -> String {
        let width = state.canvas.gridWidth, height = state.canvas.gridHeight
        switch below(20) {
        case 0 ..< 8:
            let tools: [Tool] = [.brush, .brush, .eraser, .line, .rectangle]
            let tool = tools[below(tools.count)]
            state.selectTool(tool)
            state.setBrushSize(1 + below(4))
            state.setCursor(x: below(width), y: below(height))
            state.press()
            for _ in 0 ..< 1 + below(6) { state.drag(to: below(width), y: below(height)) }
            state.release()
            return "stroke \(tool.rawValue)"
        case 8, 9:
            state.selectTool(.fill)
            state.setCursor(x: below(width), y: below(height))
            state.press()
            return "fill"
        case 10:
            state.selectClass(Int32(below(state.model.config.classCount)))
            return "class"
        case 11:
            state.newObject()
            return "new object"
        case 12:
            state.undo()
            return "undo"
        case 13:
            state.redo()
            return "redo"
        case 14:
            state.randomStyle()
            return "random style"
        case 15:
            if below(2) == 0 { state.styleBack() } else { state.styleForward() }
            return "style history"
        case 16, 17:
            state.toggleICPE()
            return "icpe"
        case 18:
            state.selectTool(.eyedropper)
            state.setCursor(x: below(width), y: below(height))
            state.press()
            return "eyedropper"
        default:
            if below(8) == 0 { state.clear() } else { state.toggleBrushShape() }
            return "clear or brush shape"
        }
    }
}
