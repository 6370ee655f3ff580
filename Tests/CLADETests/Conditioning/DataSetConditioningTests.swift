import CLADE
import Testing

@Suite struct DataSetConditioningTests {
    /// A 6x4 source map with two classes, one of them split into two instances, to be drawn at 3x2.
    let labels = LabelMap(
        width: 6, height: 4,
        classes: [
            0, 0, 0, 1, 1, 1,
            0, 0, 0, 1, 1, 1,
            2, 2, 2, 2, 2, 2,
            2, 2, 2, 2, 2, 2,
        ])
    let instances = InstanceMap(
        width: 6, height: 4,
        ids: [
            0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0,
            4, 4, 4, 5, 5, 5,
            4, 4, 4, 5, 5, 5,
        ])

    func config(_ conventions: ConditioningConventions) -> ModelConfig {
        ModelConfig(
            architecture: .clade, blockNorms: [ModelConfig.Normalization](repeating: .clade, count: 7), ngf: 1,
            width: 32, height: 32, labelNC: 3, useInstanceEdges: true, useICPE: true, palette: "x",
            classNames: ["a", "b", "c"], conditioning: conventions)
    }

    @Test func mapsAreResizedByPillowsRuleAndTheDistanceMapComesFromTheSource() {
        let official = config(.official(rawZeroClass: 0))
        let input = DataSetConditioning.generatorInput(
            labels: labels, instances: instances, config: official,
            width: 3, height: 2, icpe: true, style: nil)
        let rows = PillowNearestResize.sourceIndices(inputSize: 4, outputSize: 2)
        let cols = PillowNearestResize.sourceIndices(inputSize: 6, outputSize: 3)
        #expect(input.labels.classes == rows.flatMap { r in cols.map { c in labels[r, c] } })
        // Instance-only edges: the 0 | 0 boundary between classes 0 and 1 is no edge; 4 | 5 is.
        let expectedEdges = EdgeMap.compute(
            labels: input.labels,
            instances: PillowNearestResize.resize(instances, width: 3, height: 2), rule: .instance)
        #expect(input.edges?.data == expectedEdges.data)
        let source = DistanceMap.compute(labels: labels, instances: instances, ignoredClass: 0, rule: .classRegion)
        #expect(input.distances?.data == NearestResize.resize(source, width: 3, height: 2).data)
        // Class 0 (raw label 0) is not encoded; class 2 is one object across both instances, so the w offset at
        // (row 2, column 2) is left of the whole region's centre (it would be right of instance 4's centre).
        #expect(source.data[0] == 0 && source.data[24] == 0)
        #expect(source.data[24 + 14] < 0 && source.data[24 + 12] == -source.data[24 + 17])
    }

    @Test func aGivenDistanceMapReplacesTheComputedOneAndICPEOffDropsIt() {
        let official = config(.official(rawZeroClass: 0))
        let given = Tensor(shape: [2, 4, 6], data: (0 ..< 48).map { Float($0) / 48 })
        let input = DataSetConditioning.generatorInput(
            labels: labels, instances: instances, distances: given,
            config: official, width: 3, height: 2, icpe: true, style: nil)
        #expect(input.distances?.data == NearestResize.resize(given, width: 3, height: 2).data)
        let off = DataSetConditioning.generatorInput(
            labels: labels, instances: instances, config: official,
            width: 3, height: 2, icpe: false, style: nil)
        #expect(off.distances == nil)
    }

    @Test func paintedConventionsAtThePicturesSizeMatchTheEngineMapsDirectly() {
        let input = DataSetConditioning.generatorInput(
            labels: labels, instances: instances, config: config(.painted),
            width: 6, height: 4, icpe: true, style: nil)
        #expect(input.labels == labels)
        #expect(input.edges?.data == EdgeMap.compute(labels: labels, instances: instances).data)
        #expect(
            input.distances?.data == DistanceMap.compute(labels: labels, instances: instances, ignoredClass: nil).data)
    }
}
