import CLADE
import Testing

@Suite struct DistanceMapTests {
    private func map(_ rows: [[Int32]]) -> LabelMap {
        LabelMap(width: rows[0].count, height: rows.count, classes: rows.flatMap { $0 })
    }

    @Test func valuesLieInUnitRangeAndIgnoredClassIsZero() {
        var rows = [[Int32]](repeating: [Int32](repeating: 0, count: 16), count: 8)
        for y in 0 ..< 8 {
            for x in 0 ..< 16 { rows[y][x] = Int32((x / 3 + y / 2 + (x * y) % 5) % 5) }
        }
        let labels = map(rows)
        let (up, ids) = LabelUpsampling.upsample(
            labels: labels, instances: InstanceMap(zerosWidth: 16, height: 8), width: 128, height: 64)
        let distance = DistanceMap.compute(labels: up, instances: ids, ignoredClass: 4)
        #expect(distance.shape == [2, 64, 128])
        #expect(distance.data.allSatisfy { abs($0) <= 1 })
        let plane = 64 * 128
        for i in 0 ..< plane where up.classes[i] == 4 {
            #expect(distance.data[i] == 0 && distance.data[plane + i] == 0)
        }
        #expect(distance.data.contains { abs($0) > 0.9 })
    }

    @Test func symmetricObjectGivesAntisymmetricMap() {
        // A rectangle with two mirror-image ears: symmetric about its centre row and centre column.
        var rows = [[Int32]](repeating: [Int32](repeating: 0, count: 12), count: 9)
        for y in 2 ..< 7 {
            for x in 3 ..< 9 { rows[y][x] = 1 }
        }
        rows[4][2] = 1
        rows[4][9] = 1
        let labels = map(rows)
        let d = DistanceMap.compute(
            labels: labels, instances: InstanceMap(zerosWidth: 12, height: 9),
            ignoredClass: nil)
        let plane = 9 * 12
        for y in 0 ..< 9 {
            for x in 0 ..< 12 where labels[y, x] == 1 {
                #expect(d.data[y * 12 + x] == -d.data[(8 - y) * 12 + x])
                #expect(d.data[plane + y * 12 + x] == -d.data[plane + y * 12 + (11 - x)])
            }
        }
        #expect(abs(d.data[plane + 4 * 12 + 9] - 1) < 1e-5)
        #expect(abs(d.data[plane + 4 * 12 + 2] + 1) < 1e-5)
    }

    @Test func knownValuesOfAnLShape() {
        // Pixels (0,0), (1,0), (1,1): centroid (2/3, 1/3); largest offsets 2/3 on both axes.
        let labels = map([[1, 0], [1, 1]])
        let instances = InstanceMap(width: 2, height: 2, ids: [0, 9, 0, 0])
        let d = DistanceMap.compute(labels: labels, instances: instances, ignoredClass: nil)
        let scale = 2.0 / 3.0 + 1e-5
        #expect(d.data[0] == Float((0 - 2.0 / 3.0) / scale))
        #expect(d.data[2] == Float((1 - 2.0 / 3.0) / scale))
        #expect(d.data[4] == Float((0 - 1.0 / 3.0) / scale))
        #expect(d.data[7] == Float((1 - 1.0 / 3.0) / scale))
        #expect(d.data[1] == 0 && d.data[5] == 0)
    }

    @Test func touchingInstancesAreEncodedSeparately() {
        let labels = LabelMap(width: 6, height: 2, classes: [Int32](repeating: 1, count: 12))
        let instances = InstanceMap(width: 6, height: 2, ids: [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2])
        let d = DistanceMap.compute(labels: labels, instances: instances, ignoredClass: nil)
        let plane = 12
        #expect(Array(d.data[plane ..< plane + 3]) == Array(d.data[plane + 3 ..< plane + 6]))
        #expect(d.data[plane] < -0.99 && d.data[plane + 2] > 0.99)
    }

    @Test func singlePixelObjectsAreZero() {
        let labels = map([[0, 1], [2, 3]])
        let d = DistanceMap.compute(
            labels: labels, instances: InstanceMap(zerosWidth: 2, height: 2),
            ignoredClass: nil)
        #expect(d.data.allSatisfy { $0 == 0 })
    }
}
