import CLADE
import Testing
@testable import Painter

@Suite struct GridConditioningTests {
    let config = try! PainterFixtures.modelFile().config

    func grid() -> Canvas {
        var canvas = Canvas.scene(width: 8, height: 8, classes: PainterFixtures.landscapeNames)
        for y in 2 ... 5 { canvas[3, y] = Cell(label: 4, instance: 1) }
        for y in 2 ... 5 { canvas[4, y] = Cell(label: 4, instance: 2) }
        return canvas
    }

    @Test(arguments: LabelUpsampling.Method.allCases)
    func upsamplesThenAddsEdgesAndDistances(method: LabelUpsampling.Method) {
        let canvas = grid()
        let style = StyleCode.random(seed: 5, count: 16)
        let input = GridConditioning.generatorInput(
            labels: canvas.labels, instances: canvas.instances, config: config, width: 64, height: 64, icpe: true, style: style,
            upsampling: method)
        let (labels, instances) = LabelUpsampling.upsample(
            labels: canvas.labels, instances: canvas.instances, width: 64, height: 64, method: method)
        #expect(input.labels == labels)
        #expect(input.edges == EdgeMap.compute(labels: labels, instances: instances))
        #expect(input.distances == DistanceMap.compute(labels: labels, instances: instances, ignoredClass: nil))
        #expect(input.style == style)
    }

    @Test func icpeOffLeavesTheDistanceMapOut() {
        let canvas = grid()
        let input = GridConditioning.generatorInput(
            labels: canvas.labels, instances: canvas.instances, config: config, width: 64, height: 64, icpe: false, style: nil,
            upsampling: .smooth)
        #expect(input.distances == nil && input.edges != nil)
    }

    @Test(arguments: LabelUpsampling.Method.allCases)
    func aMaskAtPictureSizePassesThrough(method: LabelUpsampling.Method) {
        let canvas = Canvas.scene(width: 64, height: 64, classes: PainterFixtures.landscapeNames)
        let input = GridConditioning.generatorInput(
            labels: canvas.labels, instances: canvas.instances, config: config, width: 64, height: 64, icpe: true, style: nil,
            upsampling: method)
        #expect(input.labels == canvas.labels)
    }
}
