import ImageFiles
import Painter
import Testing

@testable import PaintTUI

@Suite struct HelpOverlayTests {
    let bindings = KeyBindings(
        palette: TUIFixtures.palette.entries.enumerated().map { index, entry in
            PaletteEntry(index: index, name: entry.name, color: entry.color, hotkey: entry.key)
        }, hasStyle: true)

    @Test func wrappingBreaksAtSpacesAndCutsLongWords() {
        #expect(HelpOverlay.wrap("select a class by its letter", width: 10) == ["select a", "class by", "its letter"])
        #expect(HelpOverlay.wrap("abcdefghij klm", width: 4) == ["abcd", "efgh", "ij", "klm"])
        #expect(HelpOverlay.wrap("", width: 5).isEmpty)
    }

    @Test func aLargeTerminalShowsEverythingOnOnePage() {
        let overlay = HelpOverlay(bindings: bindings, width: 116, height: 46)
        #expect(overlay.pages.count == 1)
        let lines = overlay.pages[0].flatMap { $0 }
        #expect(lines.filter(\.isTitle).map(\.text) == bindings.groups.map(\.title))
        for entry in bindings.groups.flatMap(\.entries) {
            #expect(lines.contains { $0.keys == entry.keys && entry.help.hasPrefix($0.text) }, "\(entry.keys)")
        }
    }

    @Test func aSmallTerminalPagesAndNoTitleEndsAColumn() {
        let overlay = HelpOverlay(bindings: bindings, width: 76, height: 20)
        #expect(overlay.pages.count == 2)
        #expect(overlay.columnWidth >= HelpOverlay.narrowestColumn)
        var texts: [String] = []
        for (index, page) in overlay.pages.enumerated() {
            #expect(page.count == 2 || index == overlay.pages.count - 1)
            for column in page {
                #expect(column.count <= 20)
                #expect(column.last?.isTitle == false)
                #expect(column.first?.continues == false, "a column starts inside an entry")
                texts += column.map { $0.text }
            }
        }
        // Nothing lost: every help text's words appear in order.
        let all = texts.joined(separator: " ")
        for entry in bindings.groups.flatMap(\.entries) {
            #expect(all.contains(entry.help.split(separator: " ").prefix(2).joined(separator: " ")), "\(entry.help)")
        }
    }

    @Test func drawingPutsKeysInBoldBeforeTheirText() {
        let overlay = HelpOverlay(bindings: bindings, width: 116, height: 46)
        var screen = Screen(width: 120, height: 50)
        overlay.draw(page: 0, into: &screen, x: 2, y: 1)
        #expect(screen.text(ofRow: 1).hasPrefix("  Move and paint"))
        #expect(screen[2, 1].style.attributes == [.bold, .underline])
        let row = screen.text(ofRow: 2)
        #expect(row.hasPrefix("  ← ↓ ↑ → h j k l"))
        #expect(row.contains("move the cursor"))
        #expect(screen[2, 2].style.attributes == .bold)
    }
}
