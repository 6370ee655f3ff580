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

    /// The generator's input for `request` with the fixture model.
    func inputs(_ request: RenderRequest) throws -> GeneratorInput {
        try request.generatorInput(config: model.config, styleBank: model.styleBank)
    }

    @Test func aPaintedGridIsUpsampledThenGetsEdgesAndDistances() throws {
        let canvas = grid()
        let input = try inputs(request(canvas))
        let (labels, instances) = LabelUpsampling.upsample(
            labels: canvas.labels, instances: canvas.instances, width: 64, height: 64)
        #expect(input.labels == labels)
        #expect(input.edges == EdgeMap.compute(labels: labels, instances: instances))
        #expect(input.distances == DistanceMap.compute(labels: labels, instances: instances, ignoredClass: nil))
        #expect(input.style == StyleCode.random(seed: 5, count: 16, bank: model.styleBank))
    }

    @Test func icpeOffLeavesTheDistanceMapOut() throws {
        let input = try inputs(request(grid(), icpe: false))
        #expect(input.distances == nil && input.edges != nil)
    }

    @Test func aMaskAtPictureSizePassesThrough() throws {
        let canvas = Canvas.scene(width: 64, height: 64, classes: PainterFixtures.landscapeNames)
        #expect(try inputs(request(canvas)).labels == canvas.labels)
    }

    /// A data set's label file is conditioned as the official test code does, not as a painted grid.
    @Test func dataSetMapsFollowTheOfficialConditioning() throws {
        let canvas = grid()
        let input = try inputs(request(canvas, conditioning: .dataSet(distances: nil)))
        let official = DataSetConditioning.generatorInput(
            labels: canvas.labels, instances: canvas.instances, config: model.config,
            width: 64, height: 64, icpe: true, style: input.style)
        #expect(
            input.labels == official.labels && input.edges == official.edges && input.distances == official.distances)
        #expect(input.labels != (try inputs(request(canvas))).labels)
    }

    @Test func aStyleTheModelLacksIsAPainterError() {
        var bad = request(grid())
        bad.style = .preset("nosuch")
        #expect(throws: PainterError.self) { try inputs(bad) }
    }
}
