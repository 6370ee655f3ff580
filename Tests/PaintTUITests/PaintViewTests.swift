import Foundation
import ImageFiles
import Painter
import Testing

@testable import PaintTUI

@Suite struct PaintViewTests {
    let sky = TUIFixtures.palette.entries[0].color
    let grass = TUIFixtures.palette.entries[3].color

    /// A 64x64 picture whose pixel (x, y) is (4x, 4y, 99).
    func gradient() -> PNGImage {
        var pixels: [UInt8] = []
        for y in 0 ..< 64 {
            for x in 0 ..< 64 { pixels += [UInt8(4 * x), UInt8(4 * y), 99] }
        }
        return PNGImage(width: 64, height: 64, pixels: pixels)
    }

    @Test func theWholeScreenWithSquareCells() throws {
        let session = try TUIFixtures.session(width: 60, height: 14)
        let screen = PaintView.draw(session, width: 60, height: 14, render: .queued, picture: nil, colors: .palette256)
        #expect(
            screen.text == """
                ┌ Canvas 8x8 ────┐┌ Picture 64x64 ─────┐┌ Classes ──────┐
                │                ││painting the first  ││ 1 S    sky    │
                │                ││picture...          ││ 2 C    cloud  │
                │                ││                    ││ 3 R    rock   │
                │                ││                    ││▶4 G    grass  │
                │        []      ││                    ││ 5 T    tree   │
                │                ││                    ││ 6 W    water  │
                │                ││                    │└───────────────┘
                │                ││                    │
                └────────────────┘│                    │
                                  │                    │
                                  └────────────────────┘
                 brush 1 round │ grass │ ICPE on │ style preset noon │ queue
                 space paints, 1-9 or the palette (4,4) sky  ? help  q quit
                """)
        // Sky above the horizon (row 5 of 8), grass below; two terminal columns per cell.
        #expect(screen[1, 1].style.background == sky && screen[2, 1].style.background == sky)
        #expect(screen[16, 6].style.background == grass)
        #expect(screen[1, 5].style.background == sky)
        // The cursor: black on the light sky, bold.
        #expect(screen[9, 5].style == CellStyle(foreground: RGBColor(0, 0, 0), background: sky, attributes: .bold))
        // Palette swatches in the class colours, the current class underlined.
        #expect(screen[46, 1].style.background == sky && screen[47, 4].style.background == grass)
        #expect(screen[49, 4].style.attributes == [.bold, .underline] && screen[49, 3].style.attributes == [])
        // The status bar in reverse video across the whole width.
        #expect((0 ..< 60).allSatisfy { screen[$0, 12].style.attributes == .reverse })
    }

    @Test func halfBlockCellsCarryTwoCanvasRows() throws {
        let session = try TUIFixtures.session(width: 40, height: 10)
        guard case .fits(let layout) = session.fit else {
            Issue.record("40x10 should fit")
            return
        }
        #expect(layout.zoom == .halfBlock)
        let screen = PaintView.draw(session, width: 40, height: 10, render: .queued, picture: nil, colors: .direct)
        #expect(screen.text(ofRow: 1) == "│▀▀▀▀▀▀▀▀││painting   ││ 1 S    sky    │")
        // Terminal row 3 holds canvas rows 4 (sky) and 5 (grass); the cursor at (4, 4) is the upper half of column 4.
        #expect(screen[1, 3].style == CellStyle(foreground: sky, background: grass))
        #expect(screen[5, 3].style == CellStyle(foreground: RGBColor(0, 0, 0), background: grass))
        #expect(screen[1, 4].style == CellStyle(foreground: grass, background: grass))
        session.state.moveCursor(dx: 0, dy: 1)
        let moved = PaintView.draw(session, width: 40, height: 10, render: .queued, picture: nil, colors: .direct)
        // Grass is dark enough for a white cursor.
        #expect(moved[5, 3].style == CellStyle(foreground: sky, background: RGBColor(255, 255, 255)))
    }

    @Test func aTooSmallTerminalSaysWhatSizeIsNeeded() throws {
        let session = try TUIFixtures.session(width: 30, height: 8)
        let screen = PaintView.draw(session, width: 30, height: 8, render: .queued, picture: nil, colors: .palette256)
        guard case .tooSmall(let width, let height) = session.fit else {
            Issue.record("30x8 is too small")
            return
        }
        let text = screen.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(
            separator: " ")
        #expect(text.contains("The terminal is 30x8; clade-paint needs at least \(width)x\(height) for a 8x8 canvas."))
        #expect(text.contains("q quits."))
    }

    @Test func thePreviewShowsThePictureInHalfBlocks() throws {
        let session = try TUIFixtures.session(width: 60, height: 14)
        guard case .fits(let layout) = session.fit else {
            Issue.record("should fit")
            return
        }
        #expect(layout.previewPixelWidth == 20 && layout.previewPixelHeight == 20)
        let picture = HalfBlockPicture(gradient(), width: 20, height: 20)
        let screen = PaintView.draw(
            session, width: 60, height: 14, render: .queued, picture: picture, colors: .palette256)
        let area = layout.previewArea
        #expect(screen.text(ofRow: area.y).contains(String(repeating: "▀", count: 20)))
        // Cell (column 2, row 1) shows pixels (2, 2) above (2, 3): each averages a 3x3 or 4x3 block of the gradient.
        let cell = screen[area.x + 2, area.y + 1]
        #expect(cell.character == "▀")
        #expect(cell.style.foreground == picture[2, 2] && cell.style.background == picture[2, 3])
        #expect(picture[2, 2] == RGBColor(28, 28, 99))
        // The 256-colour terminal shows them as the nearest cube colours.
        #expect(ColorMode.palette256.colorNumber(for: picture[2, 2]) == 17)
    }

    @Test func withoutColoursClassesShowAsLetters() throws {
        let session = try TUIFixtures.session(width: 60, height: 14)
        let screen = PaintView.draw(session, width: 60, height: 14, render: .queued, picture: nil, colors: .monochrome)
        #expect(screen.text(ofRow: 1).hasPrefix("│s s s s s s s s │"))
        #expect(screen.text(ofRow: 7).hasPrefix("│g g g g g g g g │"))
        #expect(screen[9, 5].character == "[" && screen[9, 5].style.attributes == [.bold, .reverse])
        #expect(screen.text(ofRow: 1).hasSuffix("│ 1 S s  sky    │"))
    }

    @Test func theStatusLineTellsToolClassIcpeStyleAndRender() throws {
        let state = try TUIFixtures.state(renderer: true)
        state.requestRender()
        state.renderer?.wait()
        let done = try #require(state.renderer?.latest())
        guard case .done(let result) = done else {
            Issue.record("render: \(done)")
            return
        }
        #expect(
            PaintView.statusLine(state, render: done)
                == "brush 1 round │ grass │ ICPE on │ style preset noon │ done in \(Int(result.milliseconds.rounded())) ms"
        )
        state.toggleICPE()
        state.newObject()
        state.setBrushSize(3)
        state.press()
        #expect(
            PaintView.statusLine(state, render: .rendering(progress: 0.4))
                == "brush 3 round (pen down) │ grass #1 │ ICPE off │ style preset noon │ rendering 40% │ unsaved")
        state.release()
        state.selectTool(.fill)
        #expect(PaintView.statusLine(state, render: .failed("out of memory")).hasPrefix("fill │ grass #1 │"))
        #expect(PaintView.renderSummary(.failed("out of memory")) == "render failed: out of memory")
        #expect(PaintView.renderSummary(.idle) == "idle")
        #expect(PaintView.renderSummary(.drafting(progress: 0.25)) == "drafting 25%")
        let draft = RenderResult(
            generation: 3, request: state.renderRequest, image: result.image, isDraft: true, milliseconds: 51.6)
        #expect(PaintView.renderSummary(.refining(draft: draft, progress: 0.5)) == "draft in 52 ms, refining 50%")

        let plain = try TUIFixtures.state(TUIFixtures.plain)
        #expect(
            PaintView.statusLine(plain, render: .queued)
                == "brush 1 round │ grass │ no ICPE │ no style encoder │ queued")
    }

    @Test func theHelpOverlayListsTheKeys() throws {
        let session = try TUIFixtures.session(width: 120, height: 50)
        session.type("?")
        let screen = PaintView.draw(session, width: 120, height: 50, render: .queued, picture: nil, colors: .palette256)
        let text = screen.text
        #expect(text.contains("┌ Keys: any key closes "))
        for line in [
            "space", "use the tool here", "U ctrl-r", "redo", "S C R G T W", "select a class by its letter",
            "ICPE on / off",
            "style presets", "ctrl-l", "redraw the screen",
        ] {
            #expect(text.contains(line), "\(line)")
        }
    }

    @Test func dialogsAskInWords() throws {
        let session = try TUIFixtures.session(width: 80, height: 24)
        session.type(" q")
        var text = PaintView.draw(session, width: 80, height: 24, render: .queued, picture: nil, colors: .palette256)
            .text
        #expect(text.contains("The painting has unsaved changes."))
        #expect(text.contains("y  quit without saving"))
        session.type("n")

        session.type("p")
        let screen = PaintView.draw(session, width: 80, height: 24, render: .queued, picture: nil, colors: .palette256)
        text = screen.text
        #expect(text.contains("┌ Style presets "))
        let row = try #require((0 ..< 24).first { screen.text(ofRow: $0).contains("2  noon") })
        let column = try #require(Array(screen.text(ofRow: row)).firstIndex(of: "n"))
        #expect(screen[column, row].style.attributes == [.reverse, .bold])
        session.press(.escape)

        session.type("I")
        session.type("~/refs/evening.png")
        text = PaintView.draw(session, width: 80, height: 24, render: .queued, picture: nil, colors: .palette256).text
        #expect(text.contains("> ~/refs/evening.png"))
        #expect(text.contains("enter: use it   esc: cancel"))
    }

    @Test func touchingObjectsOfOneClassAreOutlinedAndTheCurrentOneStandsOut() throws {
        // Two trees side by side, instances 1 (cells 2...3 of row 2) and 2 (cells 4...5); the strokes paint instance 2.
        let session = try TUIFixtures.session(width: 60, height: 14)
        let state = session.state
        session.type("5")
        for cells in [[2, 3], [4, 5]] {
            state.newObject()
            for x in cells {
                state.setCursor(x: x, y: 2)
                state.press()
                state.release()
            }
        }
        state.setCursor(x: 0, y: 7)
        let screen = PaintView.draw(session, width: 60, height: 14, render: .queued, picture: nil, colors: .palette256)
        let tree = TUIFixtures.palette.entries[4].color
        // Square cells: canvas cell x is columns 1 + 2x and 2 + 2x of row 1 + y. Between the trees (right side of
        // cell 3): the current object's outline; between cells 2 and 3 of the first tree none (only its bottom edge);
        // the first tree's edge to the sky on its left.
        #expect(
            screen[8, 3] == ScreenCell("▕", style: CellStyle(foreground: PaintView.currentOutline, background: tree)))
        #expect(
            screen[6, 3] == ScreenCell("▁", style: CellStyle(foreground: RGBColor(255, 255, 255), background: tree)))
        #expect(screen[4, 3].character == "▕" && screen[4, 3].style.foreground == RGBColor(0, 0, 0))
        // Below the first tree (the bottom of cells 2, 3) an object edge, below the second the current outline.
        #expect(screen[5, 3].character == "▁" && screen[5, 3].style.foreground == RGBColor(255, 255, 255))
        #expect(screen[9, 3].character == "▁" && screen[9, 3].style.foreground == PaintView.currentOutline)
        // Sky meeting grass (two plain regions) has no edge drawn: their colours tell them apart.
        #expect(screen.text(ofRow: 5).hasPrefix("│       "))
    }

    @Test func theBrushFootprintShowsInHalfBlockCellsToo() throws {
        let session = try TUIFixtures.session(width: 40, height: 10)
        guard case .fits(let layout) = session.fit, layout.zoom == .halfBlock else {
            Issue.record("40x10: half blocks")
            return
        }
        let plain = PaintView.draw(session, width: 40, height: 10, render: .queued, picture: nil, colors: .direct)
        session.type("]]")
        let sized = PaintView.draw(session, width: 40, height: 10, render: .queued, picture: nil, colors: .direct)
        // A round brush of 3 at (4, 4): (4, 3) above the cursor is the lower half of terminal row 2, column 5, and
        // (3, 4), (5, 4) are the upper halves of row 3; (2, 4) is outside the footprint.
        #expect(sized[5, 2].style.background != plain[5, 2].style.background)
        #expect(
            sized[4, 3].style.foreground != plain[4, 3].style.foreground
                && sized[6, 3].style.foreground != plain[6, 3].style.foreground)
        #expect(sized[3, 3] == plain[3, 3])
    }

    @Test func aLargeFillPreviewsItsRegionBeforeTheSecondPress() throws {
        let session = try TUIFixtures.session(width: 60, height: 14)
        session.type("3f")
        session.press(.up)
        session.type(" ")
        let screen = PaintView.draw(session, width: 60, height: 14, render: .queued, picture: nil, colors: .palette256)
        let rock = TUIFixtures.palette.entries[2].color
        #expect(screen.text(ofRow: 1).hasPrefix("│░░░░░░░░░░░░░░░░│"))
        #expect(screen[1, 1].style == CellStyle(foreground: rock, background: sky))
        // The message is longer than the room beside the cursor's position: it takes the whole row.
        #expect(screen.text(ofRow: 13) == " fill would cover 63% of the canvas: press again to fill, an")
        #expect(
            PaintView.fitted("saved /home/someone/out/painting-001.png (+ mask)", width: 40)
                == "saved …one/out/painting-001.png (+ mask)")
    }

    @Test func dialogsFitEightyColumnsAndTheHelpNamesTheFiles() throws {
        let (folder, record) = try TUIFixtures.folderWithOrphan(try TUIFixtures.state(grid: (32, 32)).autosaveRecord)
        let session = PaintSession(
            state: try TUIFixtures.state(grid: (32, 32)), outputFolder: try TUIFixtures.temporaryFolder(),
            orphans: OrphanedAutosaves.find(in: folder), width: 80, height: 24)
        let screen = PaintView.draw(session, width: 80, height: 24, render: .queued, picture: nil, colors: .palette256)
        let question = try #require((0 ..< 24).first { screen.text(ofRow: $0).contains("(32x32, autosaved") })
        #expect(screen.text(ofRow: question).contains("autosaved \(record.savedAt)). │"))

        // A path longer than the screen is wide breaks across lines inside the box instead of being cut.
        let path =
            "/home/someone/paintings/" + String(repeating: "a-rather-long-folder-name/", count: 4) + "painting-012.json"
        var blank = Screen(width: 80, height: 24)
        let box = PaintView.drawTextDialog(title: "Question", lines: ["Open", path, "", "y  open it"], into: &blank)
        #expect(box.maxX <= 80)
        let inside = (box.y + 1 ..< box.maxY - 1).map { row in
            String((box.x + 1 ..< box.maxX - 1).map { blank[$0, row].character }).trimmingCharacters(in: .whitespaces)
        }
        #expect(inside.joined().contains(path))

        let help = try TUIFixtures.session(width: 120, height: 50)
        help.type("?")
        let text = PaintView.draw(help, width: 120, height: 50, render: .queued, picture: nil, colors: .palette256).text
        #expect(text.contains("w saves into \(help.outputFolder.path)"))
    }
}
