import CLADE

/// The smooth vote of docs/conditioning.md, section 1b, evaluated as written: every pixel's vote for every part, and
/// every round's assignment over all parts. Slow, and independent of how `SmoothUpsampling` shares work between
/// pixels, so the two must agree exactly.
enum SmoothVoteDefinition {
    struct Result {
        let labels: [Int32]
        let instances: [Int32]
        /// Pixels whose 8x8 tap cells all belong to one part.
        let onePartPixels: Int
    }

    static func upsample(labels: LabelMap, instances: InstanceMap, width: Int, height: Int) -> Result {
        let (gridWidth, gridHeight) = (labels.width, labels.height)
        let (part, partCount) = parts(labels: labels, instances: instances)
        var cells = [Int](repeating: 0, count: partCount)
        for cell in part { cells[cell] += 1 }
        let target = cells.map { Double($0 * height * width) / Double(gridHeight * gridWidth) }

        let rowTaps = (0 ..< height).map { taps(index: $0, gridSize: gridHeight, size: height) }
        let colTaps = (0 ..< width).map { taps(index: $0, gridSize: gridWidth, size: width) }
        var votes = [Double](repeating: 0, count: width * height * partCount)
        var onePartPixels = 0
        for y in 0 ..< height {
            for x in 0 ..< width {
                var voters = Set<Int>()
                for (rowCell, rowWeight) in rowTaps[y] {
                    for (colCell, colWeight) in colTaps[x] {
                        let k = part[rowCell * gridWidth + colCell]
                        votes[(y * width + x) * partCount + k] += rowWeight * colWeight
                        voters.insert(k)
                    }
                }
                if voters.count == 1 { onePartPixels += 1 }
            }
        }

        func assign(_ gain: [Double]) -> [Int] {
            (0 ..< width * height).map { pixel in
                var chosen = 0
                for k in 1 ..< partCount
                where votes[pixel * partCount + k] * gain[k] > votes[pixel * partCount + chosen] * gain[chosen] {
                    chosen = k
                }
                return chosen
            }
        }
        var gain = [Double](repeating: 1, count: partCount)
        for round in 0 ..< 16 {
            var area = [Int](repeating: 0, count: partCount)
            for k in assign(gain) { area[k] += 1 }
            for k in 0 ..< partCount {
                var step = min(max(target[k] / Double(max(area[k], 1)), 0.25), 4)
                for _ in 0 ..< 1 + round / 4 { step = step.squareRoot() }
                gain[k] *= step
            }
        }
        var partCell = [Int](repeating: 0, count: partCount)
        for cell in part.indices.reversed() { partCell[part[cell]] = cell }
        let winners = assign(gain)
        return Result(
            labels: winners.map { labels.classes[partCell[$0]] },
            instances: winners.map { instances.ids[partCell[$0]] }, onePartPixels: onePartPixels)
    }

    /// The part of each cell and the part count: 8-connected cells of one (class, instance, thin), numbered in the
    /// order of each part's first cell in row-major order.
    static func parts(labels: LabelMap, instances: InstanceMap) -> (part: [Int], count: Int) {
        let (width, height) = (labels.width, labels.height)
        func key(_ x: Int, _ y: Int) -> [Int32] { [labels[y, x], instances[y, x]] }
        func differs(_ x: Int, _ y: Int, _ dx: Int, _ dy: Int) -> Bool {
            let (nx, ny) = (x + dx, y + dy)
            return nx >= 0 && ny >= 0 && nx < width && ny < height && key(nx, ny) != key(x, y)
        }
        func thin(_ x: Int, _ y: Int) -> Bool {
            (differs(x, y, 0, -1) && differs(x, y, 0, 1)) || (differs(x, y, -1, 0) && differs(x, y, 1, 0))
        }
        var part = [Int](repeating: -1, count: width * height)
        var count = 0
        for seed in 0 ..< width * height where part[seed] < 0 {
            let seedKey = key(seed % width, seed / width) + [thin(seed % width, seed / width) ? 1 : 0]
            part[seed] = count
            var stack = [seed]
            while let cell = stack.popLast() {
                for dy in -1 ... 1 {
                    for dx in -1 ... 1 {
                        let (nx, ny) = (cell % width + dx, cell / width + dy)
                        guard nx >= 0, ny >= 0, nx < width, ny < height, part[ny * width + nx] < 0,
                            key(nx, ny) + [thin(nx, ny) ? 1 : 0] == seedKey
                        else { continue }
                        part[ny * width + nx] = count
                        stack.append(ny * width + nx)
                    }
                }
            }
            count += 1
        }
        return (part, count)
    }

    /// Output index `index`'s eight taps along an axis: cells `y0 - 3 ... y0 + 4` clamped to the grid, with the
    /// cubic B-spline weight of their distance from the index's centre stretched to two cells.
    static func taps(index: Int, gridSize: Int, size: Int) -> [(cell: Int, weight: Double)] {
        let num = (2 * index + 1) * gridSize - size
        let den = 2 * size
        let centre = Double(num) / Double(den)
        let y0 = Int((Double(num) / Double(den)).rounded(.down))
        return (y0 - 3 ... y0 + 4).map { cell in
            let x = abs(centre - Double(cell)) / 2
            let weight = x < 1 ? ((3 * x - 6) * x) * x + 4 : x < 2 ? (2 - x) * (2 - x) * (2 - x) : 0
            return (min(max(cell, 0), gridSize - 1), weight)
        }
    }
}
