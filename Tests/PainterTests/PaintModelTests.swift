import Foundation
import ImageFiles
import Testing
@testable import Painter

@Suite struct PaintModelTests {
    @Test func styleAndPresets() throws {
        let styled = try PainterFixtures.model(presets: ["b": Array(repeating: 0, count: 16), "a": Array(repeating: 1, count: 16)])
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
        let request = RenderRequest(labels: canvas.labels, instances: canvas.instances, style: .seed(3), icpe: true, width: 64, height: 64)
        var stages: [String] = []
        let image = try model.render(request, observer: { stages.append($0) })
        #expect(stages.count == model.stageCount && stages.first == "fc" && stages.last == "conv_img")
        #expect(image.width == 64 && image.height == 64)
        #expect(throws: CancellationError.self) { try model.render(request, isCancelled: { true }) }
    }
}
