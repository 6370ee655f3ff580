import CLADE
import Dispatch
import Foundation
import ImageFiles
import Testing

@testable import Painter

@Suite struct PaintDocumentTests {
    let water = Cell(label: 5)

    /// A 16x16 grid for a 64x64 picture: sky in rows 0 ... 9, grass in rows 10 ... 15.
    func makeState(_ name: String = PainterFixtures.styled) throws -> PainterState {
        try PainterState(
            model: PainterFixtures.model(name), grid: (16, 16), seedSource: PainterFixtures.countingSeeds())
    }

    /// The worker is stopped after publishing the draft of the current state: save must draw the full-size
    /// picture itself rather than take the draft.
    @Test func saveNeverTakesADraft() throws {
        let model = try PainterFixtures.model()
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let renderer = RenderController(model: model, previewURL: nil, draftPolicy: .always) {
            generation, isDraft, stage in
            if generation == 1 && !isDraft && stage == "fc" {
                entered.signal()
                release.wait()
            }
        }
        let state = PainterState(
            model: model, grid: (16, 16), renderer: renderer, seedSource: PainterFixtures.countingSeeds())
        state.requestRender()
        entered.wait()
        renderer.cancel()
        release.signal()
        let folder = try PainterFixtures.temporaryFolder()
        let files = try PaintDocument(state).save(to: folder)
        let draft = try #require(renderer.latestResult())
        #expect(draft.isDraft && draft.request == state.renderRequest)
        let saved = try PNGImage.read(files.image)
        #expect(saved == (try model.render(state.renderRequest)))
        #expect(saved != draft.image)
    }

    @Test func restoresAnAutosavedPainting() throws {
        let state = try makeState()
        state.selectClass(5)
        state.press()
        state.release()
        state.toggleICPE()
        state.randomStyle()
        let record = state.autosaveRecord

        let fresh = try makeState()
        try PaintDocument(fresh).restore(record)
        #expect(fresh.canvas == state.canvas)
        #expect(fresh.style == .seed(101) && !fresh.icpe && fresh.currentClass == 5)
        fresh.undo()
        #expect(fresh.canvas == fresh.baseScene)

        var foreign = record
        foreign.canvas = Canvas(width: 4, height: 4, fill: Cell(label: 9))
        #expect(throws: PainterError.self) { try PaintDocument(fresh).restore(foreign) }

        let small = Canvas(width: 8, height: 4, fill: water)
        var resized = record
        resized.canvas = small
        try PaintDocument(fresh).restore(resized)
        #expect(fresh.canvas == small && fresh.baseScene.gridWidth == 8 && fresh.undoHistory.undoCount == 0)
    }

    @Test func aStyledPaintingIsRefusedByAModelWithoutEncoder() throws {
        let styled = try makeState()
        styled.press()
        styled.release()
        let plain = try makeState(PainterFixtures.plain)
        let before = plain.canvas
        #expect(throws: PainterError("the autosaved painting has a style; \(PaintModel.noStyleMessage)")) {
            try PaintDocument(plain).restore(styled.autosaveRecord)
        }
        #expect(plain.canvas == before && plain.undoHistory.undoCount == 0 && !plain.isDirty)
    }
}
