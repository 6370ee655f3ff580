import CLADE
import Testing

/// What the smooth upsampling is for (docs/conditioning.md, section 1b): no stair steps, one-cell rows and columns
/// kept, every painted part about its painted area. The bit-exact agreement with the twin is in
/// `ConditioningFixturesTests`.
@Suite struct SmoothUpsamplingTests {
    private func grid(width: Int, height: Int, _ label: (Int, Int) -> Int32) -> LabelMap {
        LabelMap(width: width, height: height, classes: (0 ..< width * height).map { label($0 % width, $0 / width) })
    }

    private func smooth(_ labels: LabelMap, width: Int, height: Int, method: LabelUpsampling.Method = .smooth)
        -> LabelMap
    {
        LabelUpsampling.upsample(
            labels: labels, instances: InstanceMap(zerosWidth: labels.width, height: labels.height),
            width: width, height: height, method: method
        ).labels
    }

    /// The longest run of equal sky heights between neighbouring columns, and the largest jump, in the middle
    /// columns of ground that rises one cell per three cells across (24x8 cells at 8 pixels each).
    private func stairs(_ method: LabelUpsampling.Method) -> (longestFlat: Int, largestJump: Int) {
        let labels = grid(width: 24, height: 8) { x, y in y > x / 3 ? 1 : 0 }
        let up = smooth(labels, width: 192, height: 64, method: method)
        let sky = (24 ..< 168).map { x in (0 ..< 64).filter { up[$0, x] == 0 }.count }
        var longest = 1
        var run = 1
        var jump = 0
        for (a, b) in zip(sky, sky.dropFirst()) {
            run = a == b ? run + 1 : 1
            longest = max(longest, run)
            jump = max(jump, abs(a - b))
        }
        return (longest, jump)
    }

    @Test func aShallowSlopeRisesWithoutTreads() {
        // The class vote keeps each 24-pixel tread nearly flat (18 columns); the smooth vote rises steadily.
        let vote = stairs(.classVote)
        let smooth = stairs(.smooth)
        #expect(vote.longestFlat >= 12)
        #expect(smooth.longestFlat <= 6)
        #expect(smooth.largestJump <= 2)
    }

    @Test func aOneCellRowKeepsItsWidthAcrossTheGrid() {
        // Sky above, ground below, a one-cell row of snow between them at 8 pixels per cell.
        let labels = grid(width: 16, height: 16) { _, y in y < 8 ? 0 : y == 8 ? 3 : 1 }
        let up = smooth(labels, width: 128, height: 128)
        for x in 0 ..< 128 {
            let snow = (0 ..< 128).filter { up[$0, x] == 3 }.count
            #expect((6 ... 10).contains(snow), "column \(x): \(snow) pixels of snow")
        }
    }

    @Test func theGrassBetweenTwoTreeColumnsStays() {
        // Grass with two one-cell tree columns one cell apart: the grass column between them is a part of its own.
        let labels = grid(width: 8, height: 8) { x, _ in x == 2 || x == 4 ? 7 : 6 }
        let up = smooth(labels, width: 64, height: 64)
        let row = (0 ..< 64).map { up[32, $0] }
        #expect(row[24 ..< 32].contains(6), "\(row)")
        #expect(row[16 ..< 24].contains(7) && row[32 ..< 40].contains(7), "\(row)")
    }

    @Test func everyPartKeepsAboutItsPaintedArea() {
        // A 2x2 rock, a single cell and a one-cell diagonal line on grass: a smoothed vote alone lets them shrink.
        var cells = [Int32](repeating: 6, count: 16 * 16)
        for (x, y) in [(3, 3), (4, 3), (3, 4), (4, 4)] { cells[y * 16 + x] = 4 }
        cells[12 * 16 + 3] = 9
        for i in 0 ..< 6 { cells[(8 + i) * 16 + 8 + i] = 7 }
        let up = smooth(LabelMap(width: 16, height: 16, classes: cells), width: 128, height: 128)
        for (label, painted) in [(Int32(4), 4), (9, 1), (7, 6)] {
            let pixels = up.classes.filter { $0 == label }.count
            let expected = Double(painted * 64)
            #expect(
                abs(Double(pixels) - expected) <= 0.1 * expected,
                "class \(label): \(pixels) pixels for \(painted) cells")
        }
    }

    /// Grass below a horizon with rectangles of several classes and instances, one-cell rows and columns, single
    /// cells and a diagonal line: many parts, with windows of one part (sky, grass) and mixed ones between them.
    private func paintedGrid(width: Int, height: Int, seed: UInt64) -> (LabelMap, InstanceMap) {
        var random = SplitMix64(seed: seed)
        func below(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
        var labels = grid(width: width, height: height) { _, y in y >= height / 2 ? 1 : 0 }
        var instances = InstanceMap(zerosWidth: width, height: height)
        func paint(_ x: Int, _ y: Int, _ label: Int32, _ instance: Int32) {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            labels[y, x] = label
            instances[y, x] = instance
        }
        for _ in 0 ..< 6 {
            let (x, y, w, h) = (below(width), below(height), 1 + below(4), 1 + below(4))
            let (label, instance) = (Int32(2 + below(5)), Int32(below(4)))
            for dy in 0 ..< h {
                for dx in 0 ..< w { paint(x + dx, y + dy, label, instance) }
            }
        }
        for x in 2 ..< width / 2 { paint(x, 3, 7, 0) }
        for (number, x) in stride(from: width - 6, to: width, by: 2).enumerated() {
            for y in height / 2 - 2 ..< height - 1 { paint(x, y, 8, Int32(number + 1)) }
        }
        for i in 0 ..< 6 { paint(4 + i, height / 2 + 1 + i, 9, 0) }
        for _ in 0 ..< 4 { paint(below(width), below(height), 10, 0) }
        return (labels, instances)
    }

    @Test(arguments: [(128, 96), (64, 48), (77, 50), (32, 100)])
    func windowsOfOnePartAndMixedOnesGiveTheVoteAsDefined(width: Int, height: Int) {
        let (labels, instances) = paintedGrid(width: 32, height: 24, seed: 7)
        let expected = SmoothVoteDefinition.upsample(labels: labels, instances: instances, width: width, height: height)
        let parts = SmoothVoteDefinition.parts(labels: labels, instances: instances).count
        #expect(parts >= 20, "\(parts) parts")
        // Both ways to a pixel's part are taken: pixels that read one part only, and pixels between parts.
        #expect(expected.onePartPixels > width * height / 20, "\(expected.onePartPixels) pixels of one part")
        #expect(expected.onePartPixels < width * height / 2, "\(expected.onePartPixels) pixels of one part")
        let up = LabelUpsampling.upsample(
            labels: labels, instances: instances, width: width, height: height, method: .smooth)
        let wrong = (0 ..< width * height).filter {
            up.labels.classes[$0] != expected.labels[$0] || up.instances.ids[$0] != expected.instances[$0]
        }
        let firstWrong = wrong.first.map { "x \($0 % width), y \($0 / width)" } ?? ""
        #expect(wrong.isEmpty, "\(wrong.count) pixels differ, the first at \(firstWrong)")
    }

    @Test func gridsNotSmallerThanThePictureTakeTheClassVote() {
        let labels = grid(width: 12, height: 6) { x, y in Int32((x * 7 + y * 3) % 4) }
        let instances = InstanceMap(zerosWidth: 12, height: 6)
        for (width, height) in [(12, 6), (8, 4), (24, 4)] {
            let smooth = LabelUpsampling.upsample(
                labels: labels, instances: instances, width: width, height: height, method: .smooth)
            let vote = LabelUpsampling.upsample(
                labels: labels, instances: instances, width: width, height: height, method: .classVote)
            #expect(smooth.labels == vote.labels && smooth.instances == vote.instances, "\(width)x\(height)")
        }
    }
}
