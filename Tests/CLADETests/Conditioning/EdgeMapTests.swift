import CLADE
import Testing

@Suite struct EdgeMapTests {
    @Test func edgesSeparateInstancesAndClasses() {
        let labels = LabelMap(width: 4, height: 3, classes: [1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2])
        let instances = InstanceMap(width: 4, height: 3, ids: [3, 3, 5, 5, 3, 3, 5, 5, 0, 0, 0, 0])
        let edges = EdgeMap.compute(labels: labels, instances: instances)
        #expect(edges.shape == [1, 3, 4])
        #expect(
            edges.data == [
                0, 1, 1, 0,
                1, 1, 1, 1,
                1, 1, 1, 1,
            ])
    }

    @Test func theInstanceRuleSeparatesInstanceValuesOnly() {
        // COCO-Stuff instance maps number polygons over the label map: two classes may share an instance value.
        let labels = LabelMap(width: 4, height: 2, classes: [1, 1, 2, 2, 1, 1, 2, 2])
        let instances = InstanceMap(width: 4, height: 2, ids: [7, 7, 7, 9, 7, 7, 7, 7])
        #expect(
            EdgeMap.compute(labels: labels, instances: instances, rule: .instance).data == [
                0, 0, 1, 1,
                0, 0, 0, 1,
            ])
        #expect(
            EdgeMap.compute(labels: labels, instances: instances).data == [
                0, 1, 1, 1,
                0, 1, 1, 1,
            ])
    }

    @Test func uniformMapHasNoEdges() {
        let labels = LabelMap(width: 5, height: 2, classes: [Int32](repeating: 7, count: 10))
        let edges = EdgeMap.compute(labels: labels, instances: InstanceMap(zerosWidth: 5, height: 2))
        #expect(edges.data.allSatisfy { $0 == 0 })
    }

    @Test func diagonalNeighboursDoNotMakeEdges() {
        // Only 4-neighbours count: the centre differs from its corners alone, so only the corners' own
        // 4-neighbours (the edge midpoints) differ from them.
        let labels = LabelMap(
            width: 3, height: 3,
            classes: [
                2, 1, 2,
                1, 1, 1,
                2, 1, 2,
            ])
        let edges = EdgeMap.compute(labels: labels, instances: InstanceMap(zerosWidth: 3, height: 3))
        #expect(
            edges.data == [
                1, 1, 1,
                1, 0, 1,
                1, 1, 1,
            ])
    }

    @Test func singlePixelMapHasNoEdges() {
        let edges = EdgeMap.compute(
            labels: LabelMap(width: 1, height: 1, classes: [4]),
            instances: InstanceMap(zerosWidth: 1, height: 1))
        #expect(edges.data == [0])
    }
}
