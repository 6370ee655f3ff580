import CLADE
import Testing

@Suite struct LabelUpsamplingTests {
    private func grid(_ rows: [[Int32]]) -> LabelMap {
        LabelMap(width: rows[0].count, height: rows.count, classes: rows.flatMap { $0 })
    }

    @Test func uniformGridGivesUniformMaps() {
        let labels = LabelMap(width: 8, height: 4, classes: [Int32](repeating: 5, count: 32))
        let instances = InstanceMap(width: 8, height: 4, ids: [Int32](repeating: 2, count: 32))
        let (up, ids) = LabelUpsampling.upsample(labels: labels, instances: instances, width: 64, height: 32)
        #expect(up.width == 64 && up.height == 32)
        #expect(up.classes.allSatisfy { $0 == 5 })
        #expect(ids.ids.allSatisfy { $0 == 2 })
    }

    @Test func fullSizeGridPassesThrough() {
        var generator = SplitMix(seed: 3)
        let labels = LabelMap(width: 14, height: 9, classes: (0 ..< 126).map { _ in Int32(generator.next() % 7) })
        let instances = InstanceMap(width: 14, height: 9, ids: (0 ..< 126).map { _ in Int32(generator.next() % 5) })
        let (up, ids) = LabelUpsampling.upsample(labels: labels, instances: instances, width: 14, height: 9)
        #expect(up == labels)
        #expect(ids == instances)
    }

    @Test func diagonalStaircaseAtEightTimesHasNoFullCellBlocks() {
        // Class 1 above the diagonal, 0 on and below it; nearest upsampling would give whole 8x8 blocks.
        let labels = grid((0 ..< 8).map { r in (0 ..< 8).map { c in c > r ? 1 : 0 } })
        let (up, _) = LabelUpsampling.upsample(
            labels: labels, instances: InstanceMap(zerosWidth: 8, height: 8), width: 64, height: 64)
        func ones(inCell r: Int, _ c: Int) -> Int {
            var total = 0
            for y in 8 * r ..< 8 * r + 8 {
                for x in 8 * c ..< 8 * c + 8 { total += Int(up[y, x]) }
            }
            return total
        }
        // Border cells have no diagonal neighbour there (rows and columns clamp), so they are skipped.
        for r in 1 ..< 7 { #expect((1 ..< 64).contains(ones(inCell: r, r)), "cell (\(r), \(r))") }
        for r in 0 ..< 7 { #expect((1 ..< 64).contains(ones(inCell: r, r + 1)), "cell (\(r), \(r + 1))") }
        #expect(ones(inCell: 0, 4) == 64)
        #expect(ones(inCell: 4, 0) == 0)
    }

    @Test func islandsSurviveAndStrokesStayConnected() {
        var rows = [[Int32]](repeating: [Int32](repeating: 0, count: 8), count: 8)
        rows[2][6] = 3
        for i in 0 ..< 6 { rows[i][i] = 2 }
        let (up, ids) = LabelUpsampling.upsample(
            labels: grid(rows), instances: InstanceMap(zerosWidth: 8, height: 8), width: 64, height: 64)
        for y in 18 ..< 22 {
            for x in 50 ..< 54 { #expect(up[y, x] == 3) }
        }
        let objects = ObjectComponents(labels: up, instances: ids)
        let strokeObjects = Set(zip(up.classes, objects.numbers).filter { $0.0 == 2 }.map(\.1))
        #expect(strokeObjects.count == 1)
    }

    @Test func touchingInstancesOfOneClassKeepTheirIds() {
        let labels = grid([[1, 1, 0], [1, 1, 0]])
        let instances = InstanceMap(width: 3, height: 2, ids: [4, 7, 0, 4, 7, 0])
        let (up, ids) = LabelUpsampling.upsample(labels: labels, instances: instances, width: 12, height: 8)
        for y in 0 ..< 8 {
            for x in 0 ..< 4 { #expect(up[y, x] == 1 && ids[y, x] == 4) }
            for x in 4 ..< 8 { #expect(up[y, x] == 1 && ids[y, x] == 7) }
            for x in 8 ..< 12 { #expect(up[y, x] == 0 && ids[y, x] == 0) }
        }
    }

    @Test func equalVotesGoToTheLowerClass() {
        // Shrunk to one pixel, a checkerboard puts that pixel on the shared corner: both classes get half.
        let labels = grid([[3, 1], [1, 3]])
        let (up, _) = LabelUpsampling.upsample(
            labels: labels, instances: InstanceMap(zerosWidth: 2, height: 2), width: 1, height: 1)
        #expect(up.classes == [1])
    }
}

/// A small deterministic generator for test data (SplitMix64).
private struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
