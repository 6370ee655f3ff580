import Foundation
import ImageFiles
import Testing

/// The painter's tools, files and terminal colours as a person meets them: the built binary in tmux (see
/// `PaintEndToEndTests` for the pane and the fixture model: 64x64 pictures, an 8x8 canvas, six classes).
@Suite(
    .enabled(
        if: TmuxPane.tmux != nil,
        "tmux is not installed (scripts/setup.sh installs it): the painter's end-to-end tests need a terminal"))
struct PaintWorkflowEndToEndTests {
    let base = PaintEndToEndTests()

    /// The saved mask's classes, row-major.
    func savedClasses(_ scratch: Scratch, _ name: String = "out/painting-001.mask.png") throws -> [Int32] {
        let palette = try Palette(contentsOf: scratch.url("painted.gpl"))
        return try LabelMapFile.read(scratch.url(name), palette: palette, classCount: 6).classes
    }

    @Test func aPolylineAPickAndALargeFillWithItsSecondPress() throws {
        let scratch = try base.scratch()
        let pane = try TmuxPane(width: 160, height: 50, command: try base.painter(scratch))
        try pane.waitForScreen("the first picture") { $0.contains("done in ") }

        // A line in class_2 from (1, 1) through (5, 1) to (5, 5): three presses, then esc ends it.
        try pane.press("3", "/", "Left", "Left", "Left", "Up", "Up", "Up", "Space")
        try pane.waitForScreen("the line's hint") {
            $0.contains("line from (1,1): space sets this point and goes on, esc ends the line")
        }
        try pane.press(
            "Right", "Right", "Right", "Right", "Space", "Down", "Down", "Down", "Down", "Space", "Left", "Escape")
        try pane.waitForScreen("the end of the line") { $0.contains("line ended") }
        try pane.press("Left")
        try pane.waitForScreen("the line's first hint again") { $0.contains("line: space sets the first point") }

        // The eyedropper on the grass-coloured class_0 at (0, 7) hands back to the line.
        try pane.press("e", "Left", "Left", "Left", "Down", "Down", "Down", "Space")
        try pane.waitForScreen("the pick") { $0.contains("picked class_0, back to the line") }

        // Fill on the class_0 canvas with class_4: it covers most of the canvas, so the first press only shows it.
        try pane.press("f", "K")
        try pane.waitForScreen("the class change leaving the fill") { $0.contains("class: class_4 (tool: line)") }
        try pane.press("f", "Space")
        try pane.waitForScreen("the fill's warning") {
            $0.contains("fill would cover") && $0.contains("press again to fill")
        }
        try pane.press("Space")
        try pane.waitForScreen("the fill") { $0.contains("fill │ class_4") && !$0.contains("fill would cover") }
        try pane.press("w")
        try pane.waitForScreen("the save") { $0.contains("saved \(scratch.url("out/painting-001.png").path)") }
        try pane.press("q")
        #expect(base.exitStatus(scratch) == 0)

        // The line's cells stayed class_2 (the fill took the rest of the class_0 region), the dropped segment left none.
        let classes = try savedClasses(scratch)
        let line = Set([1, 2, 3, 4, 5].map { 8 + $0 } + [2, 3, 4, 5].map { $0 * 8 + 5 })
        for index in 0 ..< 64 {
            #expect(classes[index] == (line.contains(index) ? 2 : 4), "cell \(index % 8),\(index / 8)")
        }
    }

    @Test func saveQuitAndTheNextStartOffersThePaintingThenOpenAndSession() throws {
        let scratch = try base.scratch()
        let pane = try TmuxPane(width: 160, height: 50, command: try base.painter(scratch, arguments: "--style 42"))
        try pane.waitForScreen("the first picture") { $0.contains("done in ") && $0.contains("style seed 42") }
        try pane.press("?")
        try pane.waitForScreen("the help naming the files") {
            $0.contains("newest picture: \(scratch.url("state/preview.png").path)")
        }
        try pane.press("Escape")
        try pane.waitForScreen("the help to close") { !$0.contains("newest picture:") }
        try pane.press("K", "Space", "i", "w")
        try pane.waitForScreen("the save") { $0.contains("saved \(scratch.url("out/painting-001.png").path)") }
        try pane.press("q")
        #expect(base.exitStatus(scratch) == 0)

        // The next start offers the painting saved last, and opens it with its style and ICPE.
        let again = try TmuxPane(width: 80, height: 24, command: try base.painter(scratch))
        let offer = try again.waitForScreen("the offer") { $0.contains("Carry on with the painting saved last?") }
        #expect(TmuxPane.flat(offer).contains("y open it"))
        try again.press("y")
        try again.waitForScreen("the opened painting") {
            $0.contains("style seed 42") && $0.contains("ICPE off") && $0.contains("opened ")
        }
        try again.press("Left", "Right")
        try again.waitForScreen("the opened canvas") { $0.contains("(4,4) class_4") }
        // O lists the saves; esc closes the list.
        try again.press("O")
        try again.waitForScreen("the open dialog") {
            $0.contains("Open a saved painting") && $0.contains("1  painting-001")
        }
        // (esc and a letter in quick succession read as alt and the letter: a person's keys come slower)
        try again.press("Escape")
        try again.waitForScreen("the dialog to close") { !$0.contains("Open a saved painting") }
        try again.press("q")
        #expect(base.exitStatus(scratch) == 0)

        // --session opens a save directly, whatever the last run left; --style overrides its style.
        let session = try TmuxPane(
            width: 160, height: 50,
            command: try base.painter(scratch, arguments: "--session out/painting-001.json --style 7"))
        let screen = try session.waitForScreen("the session") { $0.contains("done in ") && $0.contains("style seed 7") }
        #expect(screen.contains("ICPE off") && screen.contains("(4,4) class_4") && !screen.contains("Carry on with"))
        // Another style than the saved one is an unsaved change.
        #expect(screen.contains("unsaved"))
        try session.press("q")
        try session.waitForScreen("the question") { $0.contains("The painting has unsaved changes.") }
        try session.press("y")
        #expect(base.exitStatus(scratch) == 0)
    }

    /// At 80x24 with a 32x32 canvas the cells are half blocks; a brush of 3 tints the cells around the cursor.
    @Test func theBrushFootprintShowsOnHalfBlockCells() throws {
        let scratch = try base.scratch()
        let pane = try TmuxPane(width: 80, height: 24, command: try base.painter(scratch, arguments: "--grid 32x32"))
        try pane.waitForScreen("the first picture") { $0.contains("done in ") && $0.contains("▀") }
        func canvasRows() throws -> [Substring] {
            try pane.tmux(["capture-pane", "-p", "-e", "-t", pane.target]).split(separator: "\n").prefix(17).map { $0 }
        }
        let before = try canvasRows()
        try pane.press("]", "]")
        try pane.waitForScreen("a larger brush") { $0.contains("brush 3 round") }
        let after = try canvasRows()
        // The cursor (16, 16) sits on terminal row 9 (below the border): rows 8 ... 9 hold canvas rows 15 ... 17.
        #expect(before[8] != after[8] && before[9] != after[9])
        #expect(before[2] == after[2])
        try pane.press("q")
        #expect(base.exitStatus(scratch) == 0)
    }

    /// Where `TERM`'s -direct twin is installed (ncurses-term), `COLORTERM=truecolor` gets 24-bit colours: tmux's
    /// copy of the screen then holds RGB colours; without the hint, only palette colours.
    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: "/usr/share/terminfo/x/xterm-direct")
                || FileManager.default.fileExists(atPath: "/lib/terminfo/x/xterm-direct"),
            "ncurses-term is not installed"))
    func trueColourWhereTheTerminalSaysSo() throws {
        for (colors, direct) in [
            ("TERM=xterm-256color COLORTERM=truecolor", true), ("TERM=xterm-256color COLORTERM=", false),
        ] {
            let scratch = try base.scratch()
            let pane = try TmuxPane(width: 100, height: 30, command: try base.painter(scratch, colors: colors))
            try pane.waitForScreen("the first picture") { $0.contains("done in ") }
            let escaped = try pane.tmux(["capture-pane", "-p", "-e", "-t", pane.target])
            #expect(escaped.contains("48;2;") == direct, "\(colors)")
            #expect(escaped.contains("48;5;") != direct, "\(colors)")
            try pane.press("q")
            #expect(base.exitStatus(scratch) == 0)
        }
    }
}
