import ImageFiles
import Testing

@testable import PaintTUI

@Suite struct ScreenTests {
    @Test func writingIsClippedToTheLimitAndTheScreen() {
        var screen = Screen(width: 10, height: 2)
        #expect(screen.write("hello world", x: 2, y: 0, limit: 5) == 5)
        #expect(screen.text(ofRow: 0) == "  hello")
        #expect(screen.write("abcdef", x: 7, y: 1) == 3)
        #expect(screen.text(ofRow: 1) == "       abc")
        // Off-screen rows and columns are dropped without harm.
        screen.write("zz", x: -5, y: 5)
        screen[20, 0] = ScreenCell("x")
        #expect(screen.text == "  hello\n       abc")
    }

    @Test func wideAndCombiningCharactersBecomeQuestionMarks() {
        var screen = Screen(width: 6, height: 1)
        screen.write("a漢é\u{301}b", x: 0, y: 0)
        #expect(screen.text(ofRow: 0) == "a??b")
        #expect(Screen.isSingleColumn("▀"))
        #expect(Screen.isSingleColumn("─"))
        #expect(!Screen.isSingleColumn("\t"))
    }

    @Test func boxesHaveCornersEdgesTitleAndAClearInside() {
        var screen = Screen(width: 12, height: 4, fill: ScreenCell("x"))
        let red = CellStyle(foreground: RGBColor(255, 0, 0))
        screen.box(Rect(x: 1, y: 0, width: 10, height: 4), title: "canvas", style: red)
        #expect(
            screen.text == """
                x┌ canvas ┐x
                x│        │x
                x│        │x
                x└────────┘x
                """)
        #expect(screen[1, 0].style == red)
        #expect(screen[5, 2].style == red)
    }

    @Test func changedPositionsListOnlyDifferences() {
        var a = Screen(width: 3, height: 2)
        var b = a
        b[2, 1] = ScreenCell("q")
        b[0, 0] = ScreenCell(" ", style: CellStyle(background: RGBColor(1, 2, 3)))
        let changed = b.changedPositions(since: a)
        #expect(changed.map { [$0.x, $0.y] } == [[0, 0], [2, 1]])
        #expect(b.changedPositions(since: nil).count == 6)
        a = Screen(width: 2, height: 2)
        #expect(b.changedPositions(since: a).count == 6)
    }

    @Test func rectInsetAndContainment() {
        let rect = Rect(x: 2, y: 3, width: 5, height: 4)
        #expect(rect.inset(by: 1) == Rect(x: 3, y: 4, width: 3, height: 2))
        #expect(rect.contains(x: 6, y: 6))
        #expect(!rect.contains(x: 7, y: 6))
        #expect(Rect(x: 0, y: 0, width: 1, height: 1).inset(by: 1).isEmpty)
    }
}
