import ImageFiles
import Testing

@testable import Painter

@Suite struct PaletteEntryTests {
    @Test func namesFromTheModelColoursAndKeysFromThePalette() {
        let entries = PaletteEntry.entries(
            palette: PainterFixtures.palette, classNames: ["Sky", "cloud"], classCount: 3)
        #expect(entries.count == 3)
        #expect(entries[0] == PaletteEntry(index: 0, name: "Sky", color: RGBColor(118, 190, 250), hotkey: "s"))
        #expect(entries[2].name == "rock" && entries[2].hotkey == "r")
    }
}
