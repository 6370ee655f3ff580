import CLADE
import Foundation
import ImageFiles
import Testing

@testable import Painter

@Suite struct PaintModelTests {
    @Test func styleAndPresets() throws {
        let styled = try PainterFixtures.model(presets: [
            "b": Array(repeating: 0, count: 16), "a": Array(repeating: 1, count: 16),
        ])
        #expect(styled.hasStyle && styled.presetNames == ["a", "b"])
        #expect(try !PainterFixtures.model(PainterFixtures.plain).hasStyle)
    }

    @Test func refusesAPaletteWithTooFewColours() throws {
        let small = Palette(name: "two", entries: Array(PainterFixtures.palette.entries.prefix(2)))
        #expect(throws: PainterError.self) {
            try PaintModel(file: PainterFixtures.modelFile(), path: "m.safetensors", palette: small)
        }
    }

    @Test func renderReportsEveryStage() throws {
        let model = try PainterFixtures.model()
        let canvas = Canvas.scene(width: 8, height: 8, classes: model.config.classNames)
        let request = RenderRequest(
            labels: canvas.labels, instances: canvas.instances, style: .seed(3), icpe: true, width: 64, height: 64)
        var stages: [String] = []
        let image = try model.render(request, observer: { stages.append($0) })
        #expect(stages.count == model.stageCount && stages.first == "fc" && stages.last == "conv_img")
        #expect(image.width == 64 && image.height == 64)
        #expect(throws: CancellationError.self) { try model.render(request, isCancelled: { true }) }
    }

    @Test func draftSizeIsAQuarterOrHalfWhereTheGeneratorDrawsIt() throws {
        // Styled: 64x64 with a 2x2 head map, which halves once. Plain: multiples of 32.
        let styled = try PainterFixtures.model()
        #expect(styled.draftSize(width: 64, height: 64)! == (32, 32))
        let plain = try PainterFixtures.model(PainterFixtures.plain)
        #expect(plain.draftSize(width: 128, height: 128)! == (32, 32))
        #expect(plain.draftSize(width: 256, height: 128)! == (64, 32))
        #expect(plain.draftSize(width: 128, height: 64)! == (64, 32))
        #expect(plain.draftSize(width: 64, height: 64)! == (32, 32))
        #expect(plain.draftSize(width: 96, height: 32) == nil)
        #expect(plain.draftSize(width: 32, height: 32) == nil)
    }

    @Test func draftIsTheHalfSizePictureUpscaled() throws {
        let model = try PainterFixtures.model()
        var canvas = Canvas.scene(width: 8, height: 8, classes: model.config.classNames)
        canvas[3, 4] = Cell(label: 4, instance: 1)
        let request = RenderRequest(
            labels: canvas.labels, instances: canvas.instances, style: .seed(3), icpe: true, width: 64, height: 64)
        var stages: [String] = []
        let draft = try #require(try model.renderDraft(request, observer: { stages.append($0) }))
        #expect(stages.count == model.stageCount)
        #expect(draft.width == 64 && draft.height == 64)
        var half = request
        (half.width, half.height) = (32, 32)
        let small = try model.generator(try model.generatorInput(for: half))
        #expect(small.shape == [3, 32, 32])
        #expect(draft == PNGImage(tensor: resizeBilinear(small, height: 64, width: 64)))
        #expect(draft != (try model.render(request)))
        #expect(throws: CancellationError.self) { try model.renderDraft(request, isCancelled: { true }) }

        let plain = try PainterFixtures.model(PainterFixtures.plain)
        let wide = RenderRequest(
            labels: canvas.labels, instances: canvas.instances, style: .none, icpe: false, width: 96, height: 32)
        #expect(try plain.renderDraft(wide) == nil)
    }
}
