import CLADE
import Testing

@testable import Painter

@Suite struct RenderRequestTests {
    let model = try! PainterFixtures.modelFile()

    func grid() -> Canvas {
        var canvas = Canvas.scene(width: 8, height: 8, classes: PainterFixtures.landscapeNames)
        for y in 2 ... 5 { canvas[3, y] = Cell(label: 4, instance: 1) }
        for y in 2 ... 5 { canvas[4, y] = Cell(label: 4, instance: 2) }
        return canvas
    }

    func request(_ canvas: Canvas, icpe: Bool = true, conditioning: RenderRequest.Conditioning = .paintedGrid)
        -> RenderRequest
    {
        RenderRequest(
            labels: canvas.labels, instances: canvas.instances, style: .seed(5), icpe: icpe, width: 64, height: 64,
            conditioning: conditioning)
    }

    @Test func aPaintedGridIsUpsampledThenGetsEdgesAndDistances() throws {
        let canvas = grid()
        let input = try request(canvas).generatorInput(config: model.config, styleBank: model.styleBank)
        let (labels, instances) = LabelUpsampling.upsample(
            labels: canvas.labels, instances: canvas.instances, width: 64, height: 64)
        #expect(input.labels == labels)
        #expect(input.edges == EdgeMap.compute(labels: labels, instances: instances))
        #expect(input.distances == DistanceMap.compute(labels: labels, instances: instances, ignoredClass: nil))
        #expect(input.style == StyleCode.random(seed: 5, count: 16, bank: model.styleBank))
    }

    @Test func icpeOffLeavesTheDistanceMapOut() throws {
        let input = try request(grid(), icpe: false).generatorInput(config: model.config, styleBank: model.styleBank)
        #expect(input.distances == nil && input.edges != nil)
    }

    @Test func aMaskAtPictureSizePassesThrough() throws {
        let canvas = Canvas.scene(width: 64, height: 64, classes: PainterFixtures.landscapeNames)
        #expect(try request(canvas).generatorInput(config: model.config, styleBank: model.styleBank).labels == canvas.labels)
    }

    /// A data set's label file is conditioned as the official test code does, not as a painted grid.
    @Test func dataSetMapsFollowTheOfficialConditioning() throws {
        let canvas = grid()
        let input = try request(canvas, conditioning: .dataSet(distances: nil)).generatorInput(config: model.config, styleBank: model.styleBank)
        let official = DataSetConditioning.generatorInput(
            labels: canvas.labels, instances: canvas.instances, config: model.config,
            width: 64, height: 64, icpe: true, style: input.style)
        #expect(
            input.labels == official.labels && input.edges == official.edges && input.distances == official.distances)
        #expect(input.labels != (try request(canvas).generatorInput(config: model.config, styleBank: model.styleBank)).labels)
    }

    @Test func aStyleTheModelLacksIsAPainterError() {
        var bad = request(grid())
        bad.style = .preset("nosuch")
        #expect(throws: PainterError.self) { try bad.generatorInput(config: model.config, styleBank: model.styleBank) }
    }
}
