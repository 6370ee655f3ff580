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

    /// Objects found pixel by pixel: a flood fill over the 8 neighbours from each unnumbered pixel in row-major
    /// order, so objects are numbered by their first pixel.
    private func floodFill(
        labels: LabelMap, instances: InstanceMap, ignoredClass: Int32?, rule: ConditioningConventions.ObjectRule
    ) -> [Int32] {
        let (width, height) = (labels.width, labels.height)
        func same(_ a: Int, _ b: Int) -> Bool {
            labels.classes[a] == labels.classes[b]
                && (rule == .classRegion || instances.ids[a] == instances.ids[b])
        }
        var numbers = [Int32](repeating: -1, count: width * height)
        var count: Int32 = 0
        for seed in numbers.indices where numbers[seed] < 0 && labels.classes[seed] != ignoredClass {
            numbers[seed] = count
            var stack = [seed]
            while let pixel = stack.popLast() {
                for dy in -1 ... 1 {
                    for dx in -1 ... 1 {
                        let (x, y) = (pixel % width + dx, pixel / width + dy)
                        guard x >= 0, y >= 0, x < width, y < height else { continue }
                        if numbers[y * width + x] < 0, same(y * width + x, seed) {
                            numbers[y * width + x] = count
                            stack.append(y * width + x)
                        }
                    }
                }
            }
            count += 1
        }
        return numbers
    }

    @Test(arguments: [
        (ConditioningConventions.ObjectRule.classAndInstance, Int32?.none), (.classAndInstance, 0), (.classRegion, 2),
    ])
    func runsJoinAsAFloodFillDoes(rule: ConditioningConventions.ObjectRule, ignoredClass: Int32?) {
        // Noise of three classes and two instances: many short runs, touching across diagonals and row ends.
        var random = SplitMix64(seed: 11)
        for (width, height) in [(23, 17), (1, 9), (9, 1), (40, 30)] {
            let labels = LabelMap(
                width: width, height: height, classes: (0 ..< width * height).map { _ in Int32(random.next() % 3) })
            let instances = InstanceMap(
                width: width, height: height, ids: (0 ..< width * height).map { _ in Int32(random.next() % 2) })
            let objects = ObjectComponents(labels: labels, instances: instances, ignoredClass: ignoredClass, rule: rule)
            let expected = floodFill(labels: labels, instances: instances, ignoredClass: ignoredClass, rule: rule)
            #expect(objects.numbers == expected, "\(width)x\(height)")
            #expect(objects.count == Int((expected.max() ?? -1) + 1), "\(width)x\(height)")
        }
    }
}
