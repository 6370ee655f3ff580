import Foundation
import ImageFiles
import Painter
import Testing

@testable import PaintTUI

@Suite struct PaintSessionTests {
    @Test func arrowsAndVimKeysMoveTheCursorAndSpacePaints() throws {
        let session = try TUIFixtures.session()
        let state = session.state
        #expect((state.cursorX, state.cursorY) == (4, 4))
        session.press(.left, .up, .up)
        session.type("l")
        #expect((state.cursorX, state.cursorY) == (4, 2))
        session.press(.shiftDown)
        #expect(state.cursorY == 6)
        session.type("5 ")
        #expect(state.canvas[4, 6].label == 4)
        #expect(state.undoHistory.undoCount == 1)
        #expect(state.isDirty)
    }

    @Test func penDownPaintsAlongTheWayAsOneStep() throws {
        let session = try TUIFixtures.session()
        let state = session.state
        session.type("6")
        session.press(.enter, .right, .right, .enter)
        #expect((4 ... 6).allSatisfy { state.canvas[$0, 4].label == 5 })
        #expect(!state.isPressed)
        #expect(state.undoHistory.undoCount == 1)
        #expect(state.statusMessage == "pen up")
    }

    @Test func lineAndRectangleTakeTwoSpaces() throws {
        let session = try TUIFixtures.session()
        let state = session.state
        session.type("5r ")
        #expect(state.isPressed)
        session.press(.right, .right, .down)
        session.type(" ")
        #expect(!state.isPressed)
        #expect((4 ... 6).allSatisfy { x in (4 ... 5).allSatisfy { y in state.canvas[x, y].label == 4 } })
        session.type("/")
        #expect(state.tool == .line)
    }

    @Test func fillUndoRedoAndBrushSettings() throws {
        let session = try TUIFixtures.session()
        let state = session.state
        let before = state.canvas
        // The sky is more than a quarter of the canvas: the fill takes a second press.
        session.type("3f  ")
        // The sky (rows above the horizon) became rock; the grass stayed.
        #expect(state.canvas[0, 0].label == 2 && state.canvas[7, 7].label == 3)
        session.type("u")
        #expect(state.canvas == before)
        session.type("U")
        #expect(state.canvas[0, 0].label == 2)
        session.type("u")
        session.press(.control("r"))
        #expect(state.canvas[0, 0].label == 2)
        session.type("b]]o")
        #expect(state.tool == .brush && state.brushSize == 3 && state.brushShape == .square)
        session.type("[x")
        #expect(state.brushSize == 2 && state.tool == .eraser)
        session.type("n")
        #expect(state.currentInstance == 1)
    }

    @Test func classesByDigitLetterAndTab() throws {
        let session = try TUIFixtures.session()
        let state = session.state
        session.type("2")
        #expect(state.currentClass == 1)
        session.type("W")
        #expect(state.currentClass == 5)
        session.press(.tab)
        #expect(state.currentClass == 0)
        session.press(.backTab, .backTab)
        #expect(state.currentClass == 4)
        // Lower-case hint letters stay tool keys.
        session.type("r")
        #expect(state.currentClass == 4 && state.tool == .rectangle)
    }

    @Test func icpeAndStyleKeys() throws {
        let session = try TUIFixtures.session()
        let state = session.state
        // The painter starts on the preset noon; random styles come after it in the history.
        #expect(state.icpe && state.style == .preset("noon"))
        session.type("i")
        #expect(!state.icpe)
        session.type("ss")
        #expect(state.style == .seed(101))
        session.type(",")
        #expect(state.style == .seed(100))
        session.type(",")
        #expect(state.style == .preset("noon"))
        session.type("..")
        #expect(state.style == .seed(101))
    }

    @Test func thePresetPickerChoosesByArrowsOrNumber() throws {
        let session = try TUIFixtures.session()
        let state = session.state
        session.type("p")
        // The picker opens on the current preset: noon, the painter's starting style.
        #expect(session.dialog == .presets(selected: 1))
        #expect(session.presetNames == ["dusk", "noon"])
        session.press(.up, .enter)
        #expect(session.dialog == nil && state.style == .preset("dusk"))
        session.type("p")
        #expect(session.dialog == .presets(selected: 0))
        session.type("2")
        #expect(state.style == .preset("noon"))
        session.type("p")
        session.press(.escape)
        #expect(session.dialog == nil && state.style == .preset("noon"))
    }

    @Test func aModelWithoutEncoderSaysSoForStyleKeys() throws {
        let session = try TUIFixtures.session(TUIFixtures.plain)
        for key in "spI," {
            session.type(String(key))
            #expect(session.dialog == nil)
            #expect(session.state.statusMessage?.contains("no style encoder") == true, "key \(key)")
        }
        #expect(session.state.style == .none)
        session.type("i")
        #expect(session.state.statusMessage == "this model has no ICPE")
    }

    @Test func styleFromAnImageIsTypedIntoAPrompt() throws {
        let folder = try TUIFixtures.temporaryFolder()
        let reference = folder.appendingPathComponent("ref.png")
        try PNGImage(width: 64, height: 64, pixels: (0 ..< 64 * 64 * 3).map { UInt8($0 % 251) }).write(to: reference)
        let session = try TUIFixtures.session()
        session.type("I")
        guard case .prompt = session.dialog else {
            Issue.record("a prompt should open")
            return
        }
        session.type(folder.path + "/ref.pngx")
        session.press(.backspace, .enter)
        #expect(session.dialog == nil)
        guard case .code(_, let source) = session.state.style else {
            Issue.record("style \(session.state.style)")
            return
        }
        #expect(source == "ref.png")
        session.type("I")
        session.type("/no/such.png")
        session.press(.enter)
        #expect(session.state.statusMessage == "no such file: /no/such.png")
        session.type("I")
        session.press(.escape)
        #expect(session.dialog == nil && session.state.statusMessage == "cancelled")
    }

    @Test func clearAsksFirst() throws {
        let session = try TUIFixtures.session()
        let state = session.state
        session.type("5 c")
        #expect(session.dialog == .confirm(.clear))
        session.type("n")
        #expect(state.canvas[4, 4].label == 4)
        session.type("cy")
        #expect(state.canvas == state.baseScene)
    }

    @Test func quitAsksOnlyWhenUnsaved() throws {
        let clean = try TUIFixtures.session()
        clean.type("?")
        clean.press(.escape)
        #expect(clean.handle(.key(.character("q"))) == .quit)
        #expect(clean.isFinished)

        let dirty = try TUIFixtures.session()
        dirty.type(" q")
        #expect(dirty.dialog == .confirm(.quit))
        dirty.type("n")
        #expect(dirty.dialog == nil && !dirty.isFinished)
        dirty.type("q")
        #expect(dirty.handle(.key(.character("y"))) == .quit)
    }

    @Test func saveAndQuitFromTheQuestion() throws {
        let folder = try TUIFixtures.temporaryFolder()
        let session = try TUIFixtures.session(output: folder)
        session.type("3 q")
        #expect(session.handle(.key(.character("w"))) == .quit)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(
            names == ["painting-001.instances.png", "painting-001.json", "painting-001.mask.png", "painting-001.png"])
    }

    @Test func aSaveIntoAMissingFolderSaysWhy() throws {
        let session = try TUIFixtures.session(output: URL(fileURLWithPath: "/no/such/folder"))
        session.type("w")
        #expect(session.state.statusMessage?.hasPrefix("not saved: ") == true)
        #expect(!session.isFinished)
    }

    /// A state folder holding the autosave of a painter that ended without a clean quit, whose canvas has class 5
    /// at the centre (or `canvas`).
    func folderWithAnOrphan(canvas: Canvas? = nil) throws -> (folder: URL, record: AutosaveRecord) {
        let earlier = try TUIFixtures.state()
        earlier.selectClass(5)
        earlier.press()
        earlier.release()
        var record = earlier.autosaveRecord
        if let canvas { record.canvas = canvas }
        return try TUIFixtures.folderWithOrphan(record)
    }

    /// A painter with its own autosave in `folder`, offered what earlier painters left there.
    func startPainter(in folder: URL, width: Int = 100, height: Int = 30) throws -> PaintSession {
        let model = try TUIFixtures.model()
        let state = PainterState(
            model: model, autosave: Autosave(folder: folder, delay: 60), seedSource: TUIFixtures.countingSeeds())
        return PaintSession(
            state: state, outputFolder: try TUIFixtures.temporaryFolder(), orphans: OrphanedAutosaves.find(in: folder),
            width: width, height: height)
    }

    func autosaves(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test func anAutosaveIsOfferedAtTheStart() throws {
        let (folder, record) = try folderWithAnOrphan()
        let offered = try startPainter(in: folder)
        #expect(offered.dialog == .confirm(.restore(record)))
        // Keys other than y and n wait.
        offered.type("x")
        #expect(offered.dialog != nil)
        offered.type("y")
        #expect(offered.dialog == nil && offered.state.canvas == record.canvas)
        // The restored painting moves into this painter's own autosave; the earlier file goes.
        offered.state.autosave?.flush()
        #expect(try autosaves(in: folder) == [try #require(offered.state.autosave).url.lastPathComponent])
        #expect(try AutosaveRecord.read(try #require(offered.state.autosave).url).canvas == record.canvas)
    }

    @Test func theOfferSaysHowManyMoreWait() throws {
        let (folder, record) = try folderWithAnOrphan()
        let older = Autosave(folder: folder, delay: 60)
        var earlier = record
        earlier.savedAt = Date(timeIntervalSince1970: 1_700_000_000)
        older.schedule(earlier)
        older.flush()
        older.close()
        let session = try startPainter(in: folder)
        #expect(session.dialog == .confirm(.restore(record)) && session.autosavesWaiting == 1)
        let screen = PaintView.draw(session, width: 100, height: 30, render: .idle, picture: nil, colors: .direct)
        #expect(screen.text.contains("n  start afresh (it is kept until you paint)"))
        #expect(screen.text.contains("1 more unsaved painting(s) wait for the next starts."))
    }

    @Test func aDeclinedAutosaveSurvivesQuittingAndGoesOnlyWhenPaintedOver() throws {
        let (folder, record) = try folderWithAnOrphan()
        let declined = try startPainter(in: folder)
        declined.type("n")
        #expect(declined.state.canvas == declined.state.baseScene)
        #expect(declined.handle(.key(.character("q"))) == .quit)
        declined.state.autosave?.close()
        // The next start offers it again.
        let again = try startPainter(in: folder)
        #expect(again.dialog == .confirm(.restore(record)))
        again.type("n")
        again.type("3 ")
        again.state.autosave?.flush()
        // Painted over: only the new painting is kept.
        #expect(try autosaves(in: folder) == [try #require(again.state.autosave).url.lastPathComponent])
    }

    @Test func aRestoreThatFailsKeepsTheAutosaveForItsModel() throws {
        // Class 9 is not a class of the six-class fixture: a painting of another model.
        let (folder, record) = try folderWithAnOrphan(canvas: Canvas(width: 8, height: 8, fill: Cell(label: 9)))
        let session = try startPainter(in: folder)
        session.type("y")
        #expect(session.state.statusMessage?.hasPrefix("not restored: the autosaved painting uses class 9") == true)
        session.type("3 ")
        session.state.autosave?.flush()
        #expect(try autosaves(in: folder).count == 2)
        // Released at once: a painter started with the right model is offered it while this one still runs.
        #expect(OrphanedAutosaves.find(in: folder).newest?.record == record)
    }

    @Test func twoRunningPaintersAreNotOfferedEachOthersPainting() throws {
        let folder = try TUIFixtures.temporaryFolder()
        let first = try startPainter(in: folder)
        first.type("6 ")
        first.state.autosave?.flush()
        let second = try startPainter(in: folder)
        #expect(second.dialog == nil)
        second.type("q")
        second.state.autosave?.close()
        #expect(try AutosaveRecord.read(try #require(first.state.autosave).url).canvas == first.state.canvas)
    }

    @Test func writeProblemsAreSaidOnce() throws {
        let file = try TUIFixtures.temporaryFolder().appendingPathComponent("file")
        try Data().write(to: file)
        let model = try TUIFixtures.model()
        let preview = file.appendingPathComponent("preview.png")
        let renderer = RenderController(model: model, previewURL: preview)
        let state = PainterState(
            model: model, renderer: renderer, autosave: Autosave(folder: file, delay: 60),
            seedSource: TUIFixtures.countingSeeds())
        let session = PaintSession(state: state, outputFolder: file.appendingPathComponent("out"))
        let start = try #require(state.statusMessage)
        #expect(start.contains("w cannot save: \(file.appendingPathComponent("out").relativePath): no such folder"))
        #expect(start.contains("autosave off: cannot create a file in \(file.path): Not a directory"))
        #expect(PaintView.statusLine(state, render: .idle).hasSuffix("│ not autosaved"))
        // Every render fails to write the preview; the picture is shown, and the problem said once.
        session.type("3 ")
        renderer.wait()
        #expect(session.noticeWriteProblems())
        #expect(state.statusMessage?.hasPrefix(start + "; the preview picture is not written: \(preview.path)") == true)
        guard case .done = renderer.latest() else {
            Issue.record("the render failed: \(renderer.latest())")
            return
        }
        session.type(" ")
        renderer.wait()
        #expect(!session.noticeWriteProblems())
    }

    @Test func keysDoNothingWhileTheTerminalIsTooSmall() throws {
        let session = try TUIFixtures.session(width: 20, height: 6)
        guard case .tooSmall = session.fit else {
            Issue.record("20x6 fits")
            return
        }
        let before = session.state.canvas
        session.type("5 cfu?")
        session.press(.right, .enter)
        #expect(session.state.canvas == before && session.dialog == nil && session.state.tool == .brush)
        session.resize(width: 100, height: 30)
        session.type("5 ")
        #expect(session.state.canvas != before)
        session.resize(width: 20, height: 6)
        // Quitting still works, with its question drawn over the message.
        session.type("q")
        #expect(session.dialog == .confirm(.quit))
        #expect(session.handle(.key(.character("y"))) == .quit)
    }

    @Test func helpPagesThroughAndCloses() throws {
        let small = try TUIFixtures.session(width: 80, height: 24)
        let pages = PaintView.helpOverlay(small, width: 80, height: 24).pages.count
        #expect(pages == 2)
        small.type("?")
        #expect(small.dialog == .help(page: 0))
        small.type(" ")
        #expect(small.dialog == .help(page: 1))
        small.press(.left)
        #expect(small.dialog == .help(page: 0))
        small.type("  ")
        #expect(small.dialog == nil)
        small.type("?z")
        #expect(small.dialog == nil)
        // The key that closed the help did nothing else.
        #expect(small.state.tool == .brush && !small.state.isDirty)
    }

    @Test func unknownKeysPointToTheHelp() throws {
        let session = try TUIFixtures.session()
        session.type("Z")
        #expect(session.state.statusMessage == "Z does nothing here; ? lists the keys")
    }

    @Test func theMousePaintsPicksAndChoosesClasses() throws {
        // 100x30 with an 8x8 grid: square cells, the canvas inside starts at (1, 1).
        let session = try TUIFixtures.session()
        let state = session.state
        guard case .fits(let layout) = session.fit else {
            Issue.record("should fit")
            return
        }
        #expect(layout.zoom == .square)
        session.type("5")
        session.handle(.mouse(MouseEvent(button: .left, action: .press, x: 1, y: 1)))
        session.handle(.mouse(MouseEvent(button: .left, action: .drag, x: 5, y: 1)))
        session.handle(.mouse(MouseEvent(button: .left, action: .release, x: 5, y: 1)))
        #expect((0 ... 2).allSatisfy { state.canvas[$0, 0].label == 4 })
        #expect(state.undoHistory.undoCount == 1 && !state.isPressed)
        // A right click picks the class under it, the tool stays.
        session.handle(.mouse(MouseEvent(button: .right, action: .press, x: 3, y: 8)))
        #expect(state.currentClass == 3 && state.tool == .brush)
        #expect(state.statusMessage == "picked grass")
        // A click on the palette's third row chooses the third class.
        let palette = layout.paletteArea
        session.handle(.mouse(MouseEvent(button: .left, action: .press, x: palette.x + 3, y: palette.y + 2)))
        #expect(state.currentClass == 2)
        session.handle(.mouse(MouseEvent(button: .wheelUp, action: .press, x: 3, y: 3)))
        #expect(state.brushSize == 2)
        // Motion without a press paints nothing.
        let canvas = state.canvas
        session.handle(.mouse(MouseEvent(button: .none, action: .move, x: 9, y: 5)))
        session.handle(.mouse(MouseEvent(button: .left, action: .drag, x: 9, y: 5)))
        #expect(state.canvas == canvas)
    }

    @Test func ctrlLAsksForARepaintAndCtrlCQuits() throws {
        let session = try TUIFixtures.session()
        #expect(session.handle(.key(.control("l"))) == .repaint)
        #expect(session.handle(.key(.control("c"))) == .quit)
    }

    @Test func eachSpaceContinuesTheLineFromItsLastPointAndEscEndsIt() throws {
        let session = try TUIFixtures.session()
        let state = session.state
        // Water, line tool; first point (4, 4).
        session.type("6/ ")
        #expect(state.isPressed && state.statusMessage == nil)
        #expect(ToolHint.text(for: state) == "line from (4,4): space sets this point and goes on, esc ends the line")
        session.press(.right, .right)
        session.type(" ")
        // Second point (6, 4): the segment stays and the next one starts there.
        #expect(state.isPressed && state.strokeStart! == (6, 4))
        session.press(.down, .down)
        session.type(" ")
        session.press(.left)
        // Esc drops the segment that follows the cursor to (5, 6); the two set segments stay, one undo step each.
        session.press(.escape)
        #expect(!state.isPressed && state.statusMessage == "line ended")
        #expect(
            (4 ... 6).allSatisfy { state.canvas[$0, 4].label == 5 }
                && (4 ... 6).allSatisfy { state.canvas[6, $0].label == 5 })
        #expect(state.canvas[5, 6].label != 5)
        #expect(state.undoHistory.undoCount == 2)
        // After the line the hint is the line's first step again, not "from here".
        session.press(.right)
        #expect(state.statusMessage == nil && ToolHint.text(for: state) == "line: space sets the first point")
    }

    @Test func aRectangleWaitsForItsOppositeCornerAndEscDropsIt() throws {
        let session = try TUIFixtures.session()
        let state = session.state
        let before = state.canvas
        session.type("5r ")
        session.press(.right, .down)
        #expect(
            ToolHint.text(for: state) == "rectangle from (4,4): move to the opposite corner, then space (esc drops it)")
        session.press(.escape)
        #expect(state.canvas == before && state.undoHistory.undoCount == 0)
        #expect(ToolHint.text(for: state) == "rectangle: space sets the first corner")
    }

    @Test func aLargeFillShowsItsRegionAndWaitsForASecondPress() throws {
        let session = try TUIFixtures.session()
        let state = session.state
        let before = state.canvas
        // The sky is 5 of 8 rows: 63% of the canvas.
        session.type("3f")
        session.press(.up)
        session.type(" ")
        #expect(state.canvas == before)
        #expect(session.pendingFill?.cells.count == 40)
        #expect(
            state.statusMessage == "fill would cover 63% of the canvas: press again to fill, any other key leaves it")
        // Another key drops the preview; the next press warns again, and a second one fills.
        session.press(.left)
        #expect(session.pendingFill == nil)
        session.type(" ")
        #expect(session.pendingFill != nil && state.canvas == before)
        session.type(" ")
        #expect(session.pendingFill == nil && state.canvas[0, 0].label == 2 && state.undoHistory.undoCount == 1)
        // A small region fills at once: one cell of sky brushed into the rock, filled with water.
        session.type("b1 6f ")
        #expect(state.canvas[3, 3].label == 5 && session.pendingFill == nil)
    }

    @Test func aPickReturnsToTheToolAndAClassKeyLeavesTheFill() throws {
        let session = try TUIFixtures.session()
        let state = session.state
        session.type("/e")
        session.press(.down, .down)
        session.type(" ")
        #expect(state.tool == .line && state.currentClass == 3)
        session.type("f5")
        #expect(state.tool == .line)
    }

    @Test func aSaveNamesItsFullPathAndTheOpenDialogBringsItBack() throws {
        let folder = try TUIFixtures.temporaryFolder()
        let recent = RecentSaves(folder: try TUIFixtures.temporaryFolder())
        let session = PaintSession(
            state: try TUIFixtures.state(), outputFolder: folder, recent: recent, width: 100, height: 30)
        let state = session.state
        session.type("5 s")
        let painted = state.canvas
        let style = state.style
        session.type("w")
        let saved = folder.appendingPathComponent("painting-001.json").standardizedFileURL
        #expect(
            state.statusMessage
                == "saved \(folder.appendingPathComponent("painting-001.png").path) (+ mask, instances, json)")
        #expect(recent.saves() == [saved] && session.lastSave == saved)

        // Paint on, then open the save again: the canvas has unsaved changes, so it asks first.
        session.type("c")
        session.type("y")
        session.type("O")
        #expect(session.dialog == .open(saves: [saved], selected: 0))
        session.press(.enter)
        #expect(session.dialog == .confirm(.openUnsaved(saved)))
        session.type("y")
        #expect(session.dialog == nil && state.canvas == painted && state.style == style && !state.isDirty)
        #expect(state.statusMessage == "opened \(saved.path)")
        // Without unsaved changes a digit opens at once.
        session.type("O1")
        #expect(session.dialog == nil && state.statusMessage == "opened \(saved.path)")
    }

    @Test func afterSaveAndQuitTheNextStartOffersThatPainting() throws {
        let folder = try TUIFixtures.temporaryFolder()
        let recent = RecentSaves(folder: try TUIFixtures.temporaryFolder())
        let first = PaintSession(state: try TUIFixtures.state(), outputFolder: folder, recent: recent)
        first.type("6 q")
        #expect(first.handle(.key(.character("w"))) == .quit)
        let saved = folder.appendingPathComponent("painting-001.json").standardizedFileURL

        let second = PaintSession(state: try TUIFixtures.state(), outputFolder: folder, recent: recent)
        #expect(second.dialog == .confirm(.resume(saved)))
        second.type("y")
        #expect(second.state.canvas == first.state.canvas && !second.state.isDirty)
        // Quitting without a save in this run: the offer is gone at the start after.
        second.type("q")
        #expect(second.isFinished)
        #expect(PaintSession(state: try TUIFixtures.state(), outputFolder: folder, recent: recent).dialog == nil)

        // Declining the offer clears it too.
        try recent.setResume(saved)
        let declined = PaintSession(state: try TUIFixtures.state(), outputFolder: folder, recent: recent)
        declined.type("n")
        #expect(recent.resume() == nil && declined.state.canvas == declined.state.baseScene)
        // Named on the command line, a painting is not offered over.
        try recent.setResume(saved)
        #expect(
            PaintSession(state: try TUIFixtures.state(), outputFolder: folder, recent: recent, offerLastSave: false)
                .dialog == nil)
    }

    @Test func withNoSavesTheOpenKeySaysWhere() throws {
        let folder = try TUIFixtures.temporaryFolder()
        let session = try TUIFixtures.session(output: folder)
        session.type("O")
        #expect(
            session.dialog == nil
                && session.state.statusMessage == "no saved paintings yet in \(folder.path) (w saves one)")
    }
}
