import CLADE
import Testing

@Suite struct ObjectComponentsTests {
    @Test func diagonalPixelsAreOneObject() {
        let labels = LabelMap(
            width: 3, height: 3,
            classes: [
                1, 0, 0,
                0, 1, 0,
                0, 0, 1,
            ])
        let objects = ObjectComponents(labels: labels, instances: InstanceMap(zerosWidth: 3, height: 3))
        #expect(objects.count == 2)
        #expect(
            objects.numbers == [
                0, 1, 1,
                1, 0, 1,
                1, 1, 0,
            ])
    }

    @Test func instancesSplitObjectsOfOneClass() {
        let labels = LabelMap(width: 4, height: 2, classes: [Int32](repeating: 1, count: 8))
        let instances = InstanceMap(width: 4, height: 2, ids: [1, 1, 2, 2, 1, 1, 2, 2])
        let objects = ObjectComponents(labels: labels, instances: instances)
        #expect(objects.count == 2)
        #expect(objects.numbers == [0, 0, 1, 1, 0, 0, 1, 1])
    }

    @Test func theClassRuleJoinsInstancesOfOneClass() {
        let labels = LabelMap(width: 4, height: 2, classes: [1, 1, 1, 1, 2, 2, 3, 3])
        let instances = InstanceMap(width: 4, height: 2, ids: [1, 1, 2, 2, 1, 1, 2, 2])
        let objects = ObjectComponents(labels: labels, instances: instances, ignoredClass: 3, rule: .classRegion)
        #expect(objects.count == 2)
        #expect(objects.numbers == [0, 0, 0, 0, 1, 1, -1, -1])
    }

    @Test func ignoredClassBelongsToNoObject() {
        let labels = LabelMap(
            width: 3, height: 2,
            classes: [
                4, 1, 4,
                4, 1, 1,
            ])
        let objects = ObjectComponents(
            labels: labels, instances: InstanceMap(zerosWidth: 3, height: 2),
            ignoredClass: 4)
        #expect(objects.count == 1)
        #expect(
            objects.numbers == [
                -1, 0, -1,
                -1, 0, 0,
            ])
    }

    @Test func separatedRegionsOfOnePairAreSeparateObjects() {
        let labels = LabelMap(width: 5, height: 1, classes: [2, 2, 0, 2, 2])
        let objects = ObjectComponents(labels: labels, instances: InstanceMap(zerosWidth: 5, height: 1))
        #expect(objects.count == 3)
        #expect(objects.numbers == [0, 0, 1, 2, 2])
    }

    @Test func spiralIsOneObject() {
        // A long winding object checks that the flood fill follows every turn.
        let rows = [
            "#########",
            "........#",
            "#######.#",
            "#.....#.#",
            "#.###.#.#",
            "#.#...#.#",
            "#.#####.#",
            "#.......#",
            "#########",
        ]
        let classes = rows.flatMap { $0.map { $0 == "#" ? Int32(1) : Int32(0) } }
        let labels = LabelMap(width: 9, height: 9, classes: classes)
        let objects = ObjectComponents(labels: labels, instances: InstanceMap(zerosWidth: 9, height: 9))
        let wall = Set(zip(classes, objects.numbers).filter { $0.0 == 1 }.map(\.1))
        #expect(wall.count == 1)
    }
}
