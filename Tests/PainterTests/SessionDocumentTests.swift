import Foundation
import Testing

@testable import Painter

@Suite struct SessionDocumentTests {
    /// A painting with a tree object, a preset style and ICPE off, saved into a fresh folder.
    func savedPainting() throws -> (state: PainterState, files: SavedFiles) {
        let state = try PainterState(
            model: PainterFixtures.model(presets: ["dusk": [Float](repeating: -0.2, count: 16)]), grid: (16, 16),
            seedSource: PainterFixtures.countingSeeds())
        state.selectClass(4)
        state.newObject()
        state.setCursor(x: 3, y: 5)
        state.press()
        state.drag(to: 7, y: 5)
        state.release()
        state.selectPreset("dusk")
        state.toggleICPE()
        return (state, try PaintDocument(state).save(to: PainterFixtures.temporaryFolder()))
    }

    @Test func aSavedPaintingOpensWithItsCanvasStyleAndIcpe() throws {
        let (saved, files) = try savedPainting()
        let fresh = try PainterState(
            model: saved.model, grid: (16, 16), seedSource: PainterFixtures.countingSeeds(from: 500))
        let document = try SessionDocument(
            contentsOf: files.session, palette: saved.model.palette, config: saved.model.config)
        #expect(document.canvas == saved.canvas && document.canvas[5, 5] == Cell(label: 4, instance: 1))
        try PaintDocument(fresh).open(document)
        #expect(fresh.canvas == saved.canvas && fresh.style == .preset("dusk") && !fresh.icpe)
        #expect(!fresh.isDirty && fresh.statusMessage == "opened \(files.session.path)")
        // Opening is one undo step; new objects get ids above the opened ones.
        #expect(fresh.undoHistory.undoCount == 1)
        fresh.newObject()
        #expect(fresh.currentInstance == 2)
        // The same request renders: the picture saved is the picture the opened painting draws.
        #expect(fresh.renderRequest == saved.renderRequest)
    }

    @Test func theUpsamplingIsRecordedAndFilesWithoutItKeepTheClassVote() throws {
        let (saved, files) = try savedPainting()
        #expect(saved.upsampling == .painter && saved.renderRequest.upsampling == .smooth)
        #expect(try SessionRecord.read(files.session).upsampling == .smooth)

        // The same file as written before the method was recorded.
        var json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: files.session)) as? [String: Any])
        json["upsampling"] = nil
        try JSONSerialization.data(withJSONObject: json).write(to: files.session)
        let document = try SessionDocument(
            contentsOf: files.session, palette: saved.model.palette, config: saved.model.config)
        let fresh = try PainterState(
            model: saved.model, grid: (16, 16), seedSource: PainterFixtures.countingSeeds(from: 500))
        try PaintDocument(fresh).open(document)
        #expect(fresh.upsampling == .classVote && fresh.renderRequest.upsampling == .classVote)
        // Saved again, it says so, and draws what it drew.
        let again = try PaintDocument(fresh).save(to: PainterFixtures.temporaryFolder())
        #expect(try SessionRecord.read(again.session).upsampling == .classVote)
    }

    @Test func aPaintingOfAnotherSizeOrAMissingMaskIsRefusedByName() throws {
        let (saved, files) = try savedPainting()
        let document = try SessionDocument(
            contentsOf: files.session, palette: saved.model.palette, config: saved.model.config)
        let plainModel = try PainterFixtures.model(PainterFixtures.plain)
        let other = PainterState(model: plainModel, width: 128, height: 128, grid: (16, 16))
        #expect(throws: PainterError.self) { try PaintDocument(other).open(document) }
        try FileManager.default.removeItem(at: files.mask)
        #expect {
            try SessionDocument(contentsOf: files.session, palette: saved.model.palette, config: saved.model.config)
        } throws: { error in
            "\(error)".contains(files.mask.lastPathComponent)
        }
    }
}
