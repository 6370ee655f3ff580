import CLADE
import Foundation
import ImageFiles
import TestSupport
import Testing

@testable import Painter

@Suite struct PainterStateTests {
    let sky = Cell(label: 0), grass = Cell(label: 3), tree = Cell(label: 4), water = Cell(label: 5)

    /// A 16x16 grid for a 64x64 picture: sky in rows 0 ... 9, grass in rows 10 ... 15.
    func makeState(_ name: String = PainterFixtures.styled, presets: [String: [Float]] = [:]) throws -> PainterState {
        try PainterState(
            model: PainterFixtures.model(name, presets: presets), grid: (16, 16),
            seedSource: PainterFixtures.countingSeeds())
    }

    /// The cells that differ from `before`, as (x, y) pairs in row-major order.
    func changedCells(_ canvas: Canvas, from before: Canvas) -> [[Int]] {
        var cells: [[Int]] = []
        for y in 0 ..< canvas.gridHeight {
            for x in 0 ..< canvas.gridWidth where canvas[x, y] != before[x, y] { cells.append([x, y]) }
        }
        return cells
    }

    @Test func startsFromTheSceneWithTheGroundClass() throws {
        let state = try makeState()
        #expect(state.canvas == state.baseScene)
        #expect(state.canvas[0, 9] == sky && state.canvas[0, 10] == grass)
        #expect(state.currentClass == 3)
        #expect((state.cursorX, state.cursorY) == (8, 8))
        #expect(!state.isDirty && state.undoHistory.undoCount == 0)
        #expect(state.style == .seed(100))
        #expect(state.icpe)
    }

    @Test func cursorIsClampedToTheCanvas() throws {
        let state = try makeState()
        state.moveCursor(dx: -100, dy: 3)
        #expect((state.cursorX, state.cursorY) == (0, 11))
        state.setCursor(x: 40, y: -2)
        #expect((state.cursorX, state.cursorY) == (15, 0))
    }

    @Test func brushPaintsItsShapeAtTheCursor() throws {
        let state = try makeState()
        state.selectClass(4)
        state.setBrushSize(3)
        state.setCursor(x: 4, y: 4)
        let before = state.canvas
        state.press()
        state.release()
        #expect(changedCells(state.canvas, from: before) == [[4, 3], [3, 4], [4, 4], [5, 4], [4, 5]])
        #expect(state.canvas[4, 4] == tree)

        state.toggleBrushShape()
        #expect(state.brushShape == .square)
        state.setCursor(x: 10, y: 4)
        state.press()
        state.release()
        #expect(changedCells(state.canvas, from: before).count == 5 + 9)
        #expect(state.undoHistory.undoCount == 2)
    }

    @Test func brushSizeIsClamped() throws {
        let state = try makeState()
        state.setBrushSize(0)
        #expect(state.brushSize == 1)
        // 16x16 cells for 64x64 pictures is the finer canvas: brushes up to 18 cells.
        state.setBrushSize(40)
        #expect(state.brushSize == 18)
    }

    @Test func aFinerCanvasHasBrushesThatReachAsFar() throws {
        // The fixture model draws 64x64: 8x8 cells by default, 16x16 on the finer canvas.
        let model = try PainterFixtures.model()
        let standard = PainterState(model: model, seedSource: PainterFixtures.countingSeeds())
        let fine = PainterState(
            model: model, grid: PainterState.defaultGrid(width: 64, height: 64, cell: PainterState.fineCell),
            seedSource: PainterFixtures.countingSeeds())
        #expect(standard.canvas.gridWidth == 8 && fine.canvas.gridWidth == 16)
        #expect(standard.brushSizes == 1 ... 9 && fine.brushSizes == 1 ... 18)
        fine.setBrushSize(30)
        #expect(fine.brushSize == 18)
    }

    @Test func brushStrokeHasNoGapsAndIsOneUndoStep() throws {
        let state = try makeState()
        state.selectClass(5)
        state.setCursor(x: 1, y: 2)
        let before = state.canvas
        state.press()
        state.drag(to: 9, y: 2)
        state.drag(to: 9, y: 6)
        state.release()
        let expected = (1 ... 9).map { [$0, 2] } + (3 ... 6).map { [9, $0] }
        #expect(Set(changedCells(state.canvas, from: before)) == Set(expected))
        #expect(state.undoHistory.undoCount == 1)
        state.undo()
        #expect(state.canvas == before)
    }

    @Test func keyboardMovesDragWhilePressed() throws {
        let state = try makeState()
        state.selectClass(5)
        state.setCursor(x: 2, y: 2)
        state.press()
        state.moveCursor(dx: 2, dy: 0)
        state.release()
        state.moveCursor(dx: 2, dy: 0)
        #expect([2, 3, 4].allSatisfy { state.canvas[$0, 2] == water })
        #expect(state.canvas[6, 2] == sky)
    }

    @Test func fillTakesTheFourConnectedRegionOfOneObject() throws {
        let state = try makeState()
        // A diagonal line of water splits the sky's top-left corner off (4-neighbour fill does not leak across it).
        state.selectClass(5)
        state.selectTool(.line)
        state.setCursor(x: 0, y: 3)
        state.press()
        state.drag(to: 3, y: 0)
        state.release()
        state.selectClass(4)
        state.selectTool(.fill)
        state.setCursor(x: 0, y: 0)
        let before = state.canvas
        state.press()
        state.release()
        #expect(
            Set(changedCells(state.canvas, from: before))
                == Set([[0, 0], [1, 0], [2, 0], [0, 1], [1, 1], [0, 2]]))
        #expect(state.undoHistory.undoCount == 2)

        // The grass below the horizon is one region; a tree object of another instance inside it is not filled.
        state.selectClass(3)
        state.newObject()
        state.selectTool(.brush)
        state.setCursor(x: 5, y: 12)
        state.press()
        state.release()
        state.selectClass(5)
        state.selectTool(.fill)
        state.setCursor(x: 0, y: 15)
        state.press()
        #expect(state.canvas[0, 10] == water && state.canvas[15, 15] == water)
        #expect(state.canvas[5, 12] == Cell(label: 3, instance: 1))
        #expect(state.canvas[5, 9] == sky)
    }

    @Test func fillOnTheSameObjectChangesNothing() throws {
        let state = try makeState()
        state.selectTool(.fill)
        state.setCursor(x: 0, y: 15)
        state.press()
        #expect(state.canvas == state.baseScene)
        #expect(state.undoHistory.undoCount == 0 && !state.isDirty)
    }

    @Test func eyedropperTakesClassAndInstance() throws {
        let state = try makeState()
        state.selectClass(4)
        state.newObject()
        state.setCursor(x: 3, y: 3)
        state.press()
        state.release()
        state.selectClass(0)
        state.selectTool(.eyedropper)
        state.press()
        #expect(state.currentClass == 4 && state.currentInstance == 1)
        // The pick handed back to the brush: the eyedropper again for the next one.
        #expect(state.tool == .brush)
        state.selectTool(.eyedropper)
        state.setCursor(x: 3, y: 14)
        state.press()
        #expect(state.currentClass == 3 && state.currentInstance == 0)
        #expect(state.undoHistory.undoCount == 1)
    }

    @Test func pickAtTakesTheCellThereAndKeepsTheTool() throws {
        let state = try makeState()
        state.selectClass(4)
        state.newObject()
        state.setCursor(x: 5, y: 5)
        state.apply()
        state.selectTool(.line)
        state.selectClass(0)
        state.setCursor(x: 1, y: 1)
        state.apply()
        // A pick ends the line in progress and moves the cursor; the tool stays.
        state.pick(at: 5, y: 5)
        #expect(!state.isPressed && state.tool == .line && (state.cursorX, state.cursorY) == (5, 5))
        #expect(
            state.currentClass == 4 && state.currentInstance == 1 && state.statusMessage == "picked tree (instance 1)")
        state.pick(at: -3, y: 40)
        #expect((state.cursorX, state.cursorY) == (0, 15) && state.currentClass == 3 && state.currentInstance == 0)
    }

    @Test func applyUsesTheToolOnceAndShapesTakeTwo() throws {
        let state = try makeState()
        state.selectClass(5)
        state.setCursor(x: 2, y: 2)
        state.apply()
        #expect(state.canvas[2, 2] == water && !state.isPressed && state.undoHistory.undoCount == 1)
        // A rectangle: the first apply sets a corner, the second the opposite one.
        state.selectTool(.rectangle)
        state.apply()
        #expect(state.isPressed)
        state.moveCursor(dx: 2, dy: 1)
        state.apply()
        #expect(!state.isPressed && state.undoHistory.undoCount == 2)
        #expect((2 ... 4).allSatisfy { x in (2 ... 3).allSatisfy { state.canvas[x, $0] == water } })
        // A line goes on from each point it sets (a polyline) until the segment that follows the cursor is dropped.
        state.selectClass(4)
        state.selectTool(.line)
        state.setCursor(x: 8, y: 1)
        state.apply()
        state.moveCursor(dx: 3, dy: 0)
        state.apply()
        #expect(state.isPressed && state.strokeStart! == (11, 1))
        state.moveCursor(dx: 0, dy: 3)
        state.apply()
        state.moveCursor(dx: -2, dy: 0)
        state.cancelStroke()
        #expect(!state.isPressed && state.undoHistory.undoCount == 4)
        #expect(
            (8 ... 11).allSatisfy { state.canvas[$0, 1] == tree }
                && (1 ... 4).allSatisfy { state.canvas[11, $0] == tree })
        #expect(state.canvas[9, 4] == sky && state.canvas[10, 4] == sky)
    }

    @Test func lineGoesFromPressToReleaseWithoutLeavingTheDragPath() throws {
        let state = try makeState()
        state.selectClass(5)
        state.selectTool(.line)
        state.setCursor(x: 1, y: 1)
        let before = state.canvas
        state.press()
        state.drag(to: 8, y: 8)
        state.drag(to: 6, y: 1)
        state.release()
        #expect(changedCells(state.canvas, from: before) == (1 ... 6).map { [$0, 1] })
        #expect(state.undoHistory.undoCount == 1)
    }

    @Test func rectangleIsFilledBetweenPressAndRelease() throws {
        let state = try makeState()
        state.selectClass(2)
        state.selectTool(.rectangle)
        state.setCursor(x: 6, y: 4)
        let before = state.canvas
        state.press()
        state.drag(to: 12, y: 12)
        state.drag(to: 3, y: 2)
        state.release()
        let expected = (2 ... 4).flatMap { y in (3 ... 6).map { [$0, y] } }
        #expect(changedCells(state.canvas, from: before) == expected)
        #expect(state.canvas[3, 2] == Cell(label: 2))
    }

    @Test func eraserPaintsTheStartingSceneBack() throws {
        let state = try makeState()
        state.selectClass(5)
        state.selectTool(.rectangle)
        state.setCursor(x: 0, y: 7)
        state.press()
        state.drag(to: 15, y: 12)
        state.release()
        state.selectTool(.eraser)
        state.setCursor(x: 4, y: 7)
        state.press()
        state.drag(to: 4, y: 12)
        state.release()
        #expect((7 ... 9).allSatisfy { state.canvas[4, $0] == sky })
        #expect((10 ... 12).allSatisfy { state.canvas[4, $0] == grass })
        #expect(state.canvas[3, 9] == water)
    }

    @Test func newObjectSeparatesTouchingObjectsOfOneClass() throws {
        let state = try makeState()
        state.selectClass(4)
        state.selectTool(.rectangle)
        state.newObject()
        state.setCursor(x: 2, y: 2)
        state.press()
        state.drag(to: 4, y: 4)
        state.release()
        state.newObject()
        state.setCursor(x: 5, y: 2)
        state.press()
        state.drag(to: 7, y: 4)
        state.release()
        #expect(state.canvas[4, 3] == Cell(label: 4, instance: 1))
        #expect(state.canvas[5, 3] == Cell(label: 4, instance: 2))
        // The edge map of the grid has a line between the two trees, none inside either.
        let edges = EdgeMap.compute(labels: state.canvas.labels, instances: state.canvas.instances)
        #expect(edges.data[3 * 16 + 4] == 1 && edges.data[3 * 16 + 5] == 1)
        #expect(edges.data[3 * 16 + 3] == 0 && edges.data[3 * 16 + 6] == 0)
        // Choosing a class goes back to plain strokes (instance 0).
        state.selectClass(3)
        #expect(state.currentInstance == 0)
    }

    @Test func newObjectIdsStayFreshAfterUndo() throws {
        let state = try makeState()
        state.newObject()
        state.press()
        state.release()
        state.undo()
        state.newObject()
        #expect(state.currentInstance == 2)
    }

    @Test func undoAndRedoReachAtLeastAHundredSteps() throws {
        let state = try makeState()
        var canvases = [state.canvas]
        for step in 0 ..< 150 {
            state.selectClass(Int32(step % 2 == 0 ? 5 : 4))
            state.setCursor(x: step % 16, y: (step / 16) % 16)
            state.press()
            state.release()
            canvases.append(state.canvas)
        }
        #expect(state.undoHistory.undoCount == 150)
        for step in stride(from: 149, through: 0, by: -1) {
            state.undo()
            #expect(state.canvas == canvases[step])
        }
        state.undo()
        #expect(state.statusMessage == "nothing to undo")
        for step in 1 ... 150 {
            state.redo()
            #expect(state.canvas == canvases[step])
        }
        state.redo()
        #expect(state.statusMessage == "nothing to redo")
    }

    @Test func aNewActionAfterUndoDropsTheRedoSteps() throws {
        let state = try makeState()
        state.selectClass(5)
        state.press()
        state.release()
        state.undo()
        #expect(state.undoHistory.redoCount == 1)
        state.setCursor(x: 1, y: 1)
        state.press()
        state.release()
        #expect(state.undoHistory.redoCount == 0)
        state.redo()
        #expect(state.canvas[1, 1] == water)
    }

    @Test func clearReturnsToTheSceneAsOneUndoStep() throws {
        let state = try makeState()
        state.selectClass(5)
        state.selectTool(.rectangle)
        state.setCursor(x: 0, y: 0)
        state.press()
        state.drag(to: 15, y: 15)
        state.release()
        let painted = state.canvas
        state.clear()
        #expect(state.canvas == state.baseScene)
        state.undo()
        #expect(state.canvas == painted)
        state.redo()
        state.clear()
        #expect(state.statusMessage == "the canvas is already clear")
        #expect(state.undoHistory.undoCount == 2)
    }

    @Test func randomStylesWalkTheHistory() throws {
        let state = try makeState()
        state.randomStyle()
        state.randomStyle()
        #expect(state.style == .seed(102))
        state.styleBack()
        state.styleBack()
        #expect(state.style == .seed(100))
        state.styleBack()
        #expect(state.statusMessage == "no earlier style")
        state.styleForward()
        #expect(state.style == .seed(101))
        state.randomStyle()
        #expect(state.styleHistory.entries == [.seed(100), .seed(101), .seed(103)])
        state.styleForward()
        #expect(state.statusMessage == "no later style")
        #expect(state.renderRequest.style == .seed(103))
    }

    @Test func startsOnThePresetNoonWhenTheModelHasIt() throws {
        let code = (0 ..< 16).map { Float($0) / 16 }
        #expect(try makeState(presets: ["sunset": code, "noon": code]).style == .preset("noon"))
        #expect(try makeState(presets: ["sunset": code, "dusk": code]).style == .preset("dusk"))
        #expect(try makeState().style == .seed(100))
    }

    @Test func presetsAreChosenByName() throws {
        let code = (0 ..< 16).map { Float($0) / 16 }
        let state = try makeState(presets: ["sunset": code])
        state.selectPreset("sunset")
        #expect(state.style == .preset("sunset"))
        #expect(try state.model.generatorInput(for: state.renderRequest).style == StyleCode(values: code))
        state.selectPreset("noon")
        #expect(state.style == .preset("sunset"))
        #expect(state.statusMessage == "no style preset 'noon'")
    }

    @Test func styleFromAReferencePictureIsTheEncodersMu() throws {
        let state = try makeState()
        let folder = try PainterFixtures.temporaryFolder()
        let url = folder.appendingPathComponent("reference.png")
        let pixels = (0 ..< 40 * 30 * 3).map { UInt8(($0 * 37) % 256) }
        let reference = PNGImage(width: 40, height: 30, pixels: pixels)
        try reference.write(to: url)
        try state.setStyleFromImage(url)
        let encoder = try #require(state.model.encoder)
        let mu = encoder(reference.tensor).mu
        #expect(state.style == .code(StyleCode(values: mu.data), source: "reference.png"))
        #expect(mu.data.count == 16)
        #expect(throws: ImageFileError.self) {
            try state.setStyleFromImage(folder.appendingPathComponent("missing.png"))
        }
    }

    /// `I` with a named pipe waited forever for a writer (and SIGTERM with it); only regular files are opened.
    @Test func aNamedPipeAsReferencePictureIsRefusedWithoutOpeningIt() throws {
        let state = try makeState()
        let before = state.style
        let pipe = try PainterFixtures.temporaryFolder().appendingPathComponent("pipe.png")
        #expect(mkfifo(pipe.path, 0o600) == 0)
        let (error, opened) = watchingFIFO(pipe.path) {
            #expect(throws: ImageFileError.self) { try state.setStyleFromImage(pipe) }
        }
        #expect(!opened)
        #expect(error?.problem == "this is a named pipe (FIFO), not a PNG image (only regular files are read)")
        #expect(state.style == before)
    }

    @Test func aModelWithoutEncoderOffersNoStyle() throws {
        let state = try makeState(PainterFixtures.plain)
        #expect(state.style == StyleSelection.none)
        state.randomStyle()
        #expect(state.style == StyleSelection.none)
        #expect(state.statusMessage == PaintModel.noStyleMessage)
        state.styleBack()
        state.selectPreset("noon")
        #expect(state.styleHistory.entries == [StyleSelection.none])
        #expect(throws: PainterError.self) { try state.setStyleFromImage(URL(fileURLWithPath: "/nonexistent.png")) }
    }

    @Test func icpeToggles() throws {
        let state = try makeState()
        state.toggleICPE()
        #expect(!state.icpe && !state.renderRequest.icpe)
        #expect(try state.model.generatorInput(for: state.renderRequest).distances == nil)
        state.toggleICPE()
        #expect(try state.model.generatorInput(for: state.renderRequest).distances != nil)

        let plain = try makeState(PainterFixtures.plain)
        plain.toggleICPE()
        #expect(plain.statusMessage == "this model has no ICPE")
        #expect(!plain.renderRequest.icpe)
    }

    @Test func changesMarkDirtyAndCountRevisions() throws {
        let state = try makeState()
        state.selectClass(5)
        state.selectTool(.brush)
        #expect(state.revision == 0 && !state.isDirty)
        state.press()
        state.drag(to: 12, y: 8)
        state.release()
        #expect(state.revision == 2 && state.isDirty)
        state.toggleICPE()
        state.randomStyle()
        #expect(state.revision == 4)
    }

    @Test func everyChangeSubmitsARender() throws {
        let model = try PainterFixtures.model()
        let renderer = RenderController(model: model, previewURL: nil)
        let state = PainterState(
            model: model, grid: (16, 16), renderer: renderer, seedSource: PainterFixtures.countingSeeds())
        state.selectClass(5)
        state.press()
        state.release()
        renderer.wait()
        guard case .done(let result) = renderer.latest() else {
            Issue.record("expected a finished render, got \(renderer.latest())")
            return
        }
        #expect(result.request == state.renderRequest)
    }

    @Test func theEyedropperHandsBackToTheToolItInterrupted() throws {
        let state = try makeState()
        state.selectTool(.line)
        state.selectTool(.eyedropper)
        state.setCursor(x: 3, y: 12)
        state.press()
        #expect(state.currentClass == 3 && state.tool == .line)
        #expect(state.statusMessage == "picked grass, back to the line")
        #expect(!state.isPressed && state.undoHistory.undoCount == 0)
    }

    @Test func choosingAClassLeavesTheFillAndTheEraserForTheLastDrawingTool() throws {
        let state = try makeState()
        state.selectTool(.rectangle)
        state.selectTool(.fill)
        state.selectClass(4)
        #expect(state.tool == .rectangle && state.statusMessage == "class: tree (tool: rectangle)")
        state.selectTool(.eraser)
        state.selectClass(5)
        #expect(state.tool == .rectangle)
        // Drawing tools stay.
        state.selectTool(.brush)
        state.selectClass(2)
        #expect(state.tool == .brush && state.statusMessage == "class: rock")
    }

    @Test func cancellingAStrokeLeavesNoTraceAndNoUndoStep() throws {
        let state = try makeState()
        state.selectClass(5)
        state.selectTool(.line)
        state.setCursor(x: 1, y: 1)
        let before = state.canvas
        state.press()
        #expect(state.strokeStart! == (1, 1))
        state.drag(to: 6, y: 1)
        #expect(state.canvas != before)
        state.cancelStroke()
        #expect(state.canvas == before && !state.isPressed && state.strokeStart == nil)
        #expect(state.undoHistory.undoCount == 0)
    }

    @Test func aStartingStyleIsNoUnsavedChange() throws {
        let state = try PainterState(
            model: PainterFixtures.model(), grid: (16, 16), style: .seed(42),
            seedSource: PainterFixtures.countingSeeds())
        #expect(state.style == .seed(42) && !state.isDirty)
        state.randomStyle()
        #expect(state.style == .seed(100))
        state.styleBack()
        #expect(state.style == .seed(42))
        // Chosen later, a style is a change; one the model does not have is refused.
        try state.selectStyle(.seed(7))
        #expect(state.style == .seed(7) && state.isDirty)
        #expect(throws: PainterError.self) { try state.selectStyle(.preset("nosuch")) }
        let plain = try PainterState(model: PainterFixtures.model(PainterFixtures.plain), grid: (16, 16))
        #expect(throws: PainterError.self) { try plain.selectStyle(.seed(1)) }
    }
}
