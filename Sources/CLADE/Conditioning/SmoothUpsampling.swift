/// Painted grid -> label map by the smoothed, area-preserving vote of its parts (docs/conditioning.md, section 1b).
///
/// The grid is cut into parts: 8-connected cells of one (class, instance) pair that are all "thin" (a cell of a
/// one-cell row or column) or all not. Each part votes at each pixel with the sum over its cells of a cubic B-spline
/// weight stretched to `kernelCells` cells, times the part's gain; the pixel takes the class and instance of the part
/// with the largest weighted vote. The gains are balanced over `rounds` rounds so that every part keeps about the
/// area it was painted with: smoothing removes the grid's stair steps, and the balance keeps one-cell rows (a snow
/// cap) and columns (a tree trunk, the grass between two trees) that a plain smoothed vote would let its wider
/// neighbours take over. Every step is float64 in a fixed order, so the Python twin
/// (`clade.conditioning.smooth_upsample_labels`) gives the same map bit for bit.
enum SmoothUpsampling {
    /// The B-spline's stretch: sigma = 2 / sqrt(3) = 1.15 cells.
    static let kernelCells = 2.0
    /// Rounds of the area balance, and rounds between halvings of its step exponent.
    static let rounds = 16
    static let roundsPerStep = 4

    static func upsample(labels: LabelMap, instances: InstanceMap, width: Int, height: Int)
        -> (labels: LabelMap, instances: InstanceMap)
    {
        let gridWidth = labels.width
        let gridHeight = labels.height
        let parts = Self.parts(labels: labels, instances: instances)
        var partClass = [Int32](repeating: 0, count: parts.count)
        var partInstance = [Int32](repeating: 0, count: parts.count)
        var cells = [Int](repeating: 0, count: parts.count)
        for cell in 0 ..< gridWidth * gridHeight {
            let part = Int(parts.numbers[cell])
            partClass[part] = labels.classes[cell]
            partInstance[part] = instances.ids[cell]
            cells[part] += 1
        }
        let target = cells.map { Double($0 * height * width) / Double(gridHeight * gridWidth) }
        let votes = PartVotes(
            parts: parts.numbers, gridWidth: gridWidth,
            rows: SplineTaps(gridSize: gridHeight, size: height),
            cols: SplineTaps(gridSize: gridWidth, size: width))

        var gain = [Double](repeating: 1, count: parts.count)
        var winners = [Int32](repeating: 0, count: width * height)
        for round in 0 ..< rounds {
            votes.assign(gain: gain, into: &winners)
            var area = [Int](repeating: 0, count: parts.count)
            for part in winners { area[Int(part)] += 1 }
            for part in 0 ..< parts.count {
                var step = min(max(target[part] / Double(max(area[part], 1)), 0.25), 4)
                // Ever smaller steps (square root, fourth root, ...) so that neighbours that trade pixels settle.
                for _ in 0 ..< 1 + round / roundsPerStep { step = step.squareRoot() }
                gain[part] *= step
            }
        }
        votes.assign(gain: gain, into: &winners)
        return (
            LabelMap(width: width, height: height, classes: winners.map { partClass[Int($0)] }),
            InstanceMap(width: width, height: height, ids: winners.map { partInstance[Int($0)] })
        )
    }

    /// The parts of the grid, numbered in the order of each part's first cell in row-major order.
    static func parts(labels: LabelMap, instances: InstanceMap) -> ObjectComponents {
        let width = labels.width
        let height = labels.height
        var keyed = labels.classes
        for y in 0 ..< height {
            for x in 0 ..< width {
                let cell = y * width + x
                func differs(_ dx: Int, _ dy: Int) -> Bool {
                    let nx = x + dx
                    let ny = y + dy
                    guard nx >= 0, ny >= 0, nx < width, ny < height else { return false }
                    let other = ny * width + nx
                    return labels.classes[other] != labels.classes[cell] || instances.ids[other] != instances.ids[cell]
                }
                let thin = (differs(0, -1) && differs(0, 1)) || (differs(-1, 0) && differs(1, 0))
                keyed[cell] = labels.classes[cell] &* 2 &+ (thin ? 1 : 0)
            }
        }
        return ObjectComponents(labels: LabelMap(width: width, height: height, classes: keyed), instances: instances)
    }
}

/// Per output index along one axis: the `2 * reach` grid cells around it (clamped to the grid) and their cubic
/// B-spline weights, `taps` values per index.
private struct SplineTaps {
    let taps: Int
    var cells: [Int]
    var weights: [Double]

    init(gridSize: Int, size: Int) {
        let reach = Int(2 * SmoothUpsampling.kernelCells)
        taps = 2 * reach
        cells = [Int](repeating: 0, count: taps * size)
        weights = [Double](repeating: 0, count: taps * size)
        let den = 2 * size
        for i in 0 ..< size {
            // The index's centre in cell coordinates (cell centres at integers), as in the class vote.
            let num = (2 * i + 1) * gridSize - size
            let centre = Double(num) / Double(den)
            let first = num >= 0 ? num / den : -((-num + den - 1) / den)
            for tap in 0 ..< taps {
                let cell = first + 1 - reach + tap
                let x = abs(centre - Double(cell)) / SmoothUpsampling.kernelCells
                let rest = 2.0 - x
                let weight = x < 1 ? ((3.0 * x - 6.0) * x) * x + 4.0 : x < 2 ? (rest * rest) * rest : 0
                cells[i * taps + tap] = min(max(cell, 0), gridSize - 1)
                weights[i * taps + tap] = weight
            }
        }
    }
}

/// Each pixel's voting parts and their summed weights, in the order each part first appears in the pixel's window.
private struct PartVotes {
    let width: Int
    let height: Int
    /// Pixel p's votes are `parts[start[p] ..< start[p + 1]]`, `votes[...]`.
    var start: [Int]
    var parts: [Int32]
    var votes: [Double]

    init(parts numbers: [Int32], gridWidth: Int, rows: SplineTaps, cols: SplineTaps) {
        let width = cols.cells.count / cols.taps
        let height = rows.cells.count / rows.taps
        self.width = width
        self.height = height
        var start = [Int](repeating: 0, count: width * height + 1)
        var parts: [Int32] = []
        var votes: [Double] = []
        parts.reserveCapacity(2 * width * height)
        votes.reserveCapacity(2 * width * height)
        // One pixel's parts and votes, at most one per tap.
        var pixelParts = [Int32](repeating: 0, count: rows.taps * cols.taps)
        var pixelVotes = [Double](repeating: 0, count: rows.taps * cols.taps)
        numbers.withUnsafeBufferPointer { numbers in
            rows.cells.withUnsafeBufferPointer { rowCells in
                rows.weights.withUnsafeBufferPointer { rowWeights in
                    cols.cells.withUnsafeBufferPointer { colCells in
                        cols.weights.withUnsafeBufferPointer { colWeights in
                            for y in 0 ..< height {
                                for x in 0 ..< width {
                                    var count = 0
                                    // Row taps outer, column taps inner: the twin's summation order.
                                    for rowTap in 0 ..< rows.taps {
                                        let rowCell = rowCells[y * rows.taps + rowTap] * gridWidth
                                        let rowWeight = rowWeights[y * rows.taps + rowTap]
                                        for colTap in 0 ..< cols.taps {
                                            let part = numbers[rowCell + colCells[x * cols.taps + colTap]]
                                            let weight = rowWeight * colWeights[x * cols.taps + colTap]
                                            var k = 0
                                            while k < count && pixelParts[k] != part { k += 1 }
                                            if k == count {
                                                pixelParts[k] = part
                                                pixelVotes[k] = weight
                                                count += 1
                                            } else {
                                                pixelVotes[k] += weight
                                            }
                                        }
                                    }
                                    parts.append(contentsOf: pixelParts[0 ..< count])
                                    votes.append(contentsOf: pixelVotes[0 ..< count])
                                    start[y * width + x + 1] = parts.count
                                }
                            }
                        }
                    }
                }
            }
        }
        self.start = start
        self.parts = parts
        self.votes = votes
    }

    /// Each pixel's part with the largest vote times gain (equal products: the lower part number).
    func assign(gain: [Double], into winners: inout [Int32]) {
        start.withUnsafeBufferPointer { start in
            parts.withUnsafeBufferPointer { parts in
                votes.withUnsafeBufferPointer { votes in
                    gain.withUnsafeBufferPointer { gain in
                        winners.withUnsafeMutableBufferPointer { winners in
                            for pixel in 0 ..< width * height {
                                var best = -Double.infinity
                                var chosen = Int32.max
                                for k in start[pixel] ..< start[pixel + 1] {
                                    let score = votes[k] * gain[Int(parts[k])]
                                    if score > best || (score == best && parts[k] < chosen) {
                                        best = score
                                        chosen = parts[k]
                                    }
                                }
                                winners[pixel] = chosen
                            }
                        }
                    }
                }
            }
        }
    }
}
