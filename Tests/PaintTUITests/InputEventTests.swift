import Testing

@testable import PaintTUI

@Suite struct InputEventTests {
    @Test func keyNamesForTheHelpAndTheStatusLine() {
        #expect(Key.control("r").description == "ctrl-r")
        #expect(Key.control("R") == .character("\u{12}"))
        #expect(Key.character(" ").description == "space")
        #expect(Key.shiftLeft.description == "shift-←")
        #expect(Key.character("U").description == "U")
        #expect(Key.function(5).description == "F5")
        #expect(Key.backTab.description == "shift-tab")
    }
}
