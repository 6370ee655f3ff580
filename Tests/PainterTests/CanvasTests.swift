import CLADE
import Testing
@testable import Painter

@Suite struct CanvasTests {
    @Test func sceneIsSkyOverGround() {
        let canvas = Canvas.scene(width: 32, height: 32, classes: ["sky", "cloud", "grass"])
        #expect(canvas.gridWidth == 32 && canvas.gridHeight == 32)
        #expect(canvas[0, 0] == Cell(label: 0))
        #expect(canvas[31, 19] == Cell(label: 0))
        #expect(canvas[0, 20] == Cell(label: 2))
        #expect(canvas[31, 31] == Cell(label: 2))
    }
}
