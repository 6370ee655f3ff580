import Painter
import Testing

@testable import PaintTUI

@Suite struct ToolHintTests {
    @Test func eachToolSaysWhatItDoesNext() throws {
        let state = try TUIFixtures.state()
        #expect(ToolHint.text(for: state) == ToolHint.start)
        state.press()
        #expect(ToolHint.text(for: state) == "pen down: moving paints grass; enter lifts it")
        state.release()
        #expect(ToolHint.text(for: state) == "brush: space paints grass, enter puts the pen down, [ ] size, o shape")
        state.selectTool(.fill)
        #expect(ToolHint.text(for: state) == "fill: space fills the region under the cursor with grass")
        state.selectTool(.eyedropper)
        #expect(
            ToolHint.text(for: state) == "eyedropper: space picks the class under the cursor, then back to the fill")
        state.selectTool(.eraser)
        #expect(ToolHint.text(for: state) == "eraser: space erases here, enter erases as you move")
        state.press()
        #expect(ToolHint.text(for: state) == "pen down: moving erases; enter lifts it")
        state.release()
        state.selectTool(.rectangle)
        state.setCursor(x: 2, y: 3)
        state.press()
        #expect(
            ToolHint.text(for: state) == "rectangle from (2,3): move to the opposite corner, then space (esc drops it)")
    }
}
