import Synchronization

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
///
/// The pixels of a band of output rows and a band of output columns read the same 8x8 cells (a window), so the
/// window's parts are found once for all of them (`PartVotes`). Where a window holds one part, that part is the only
/// candidate at each of its pixels and wins in every round whatever its gain: those pixels are settled before the
/// balance. Only the pixels of mixed windows are voted and scored, each part's vote still summed tap by tap in the
/// twin's order, so the map is the same as voting every pixel.
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
            parts: parts, rows: SplineTaps(gridSize: gridHeight, size: height),
            cols: SplineTaps(gridSize: gridWidth, size: width))

        var gain = [Double](repeating: 1, count: parts.count)
        // The part of each pixel of the mixed windows (-1: none yet), and every part's pixels.
        var choice = [Int32](repeating: -1, count: votes.mixed.count)
        var area = votes.settledArea
        for round in 0 ..< rounds {
            votes.assign(gain: gain, choice: &choice, area: &area)
            for part in 0 ..< parts.count {
                var step = min(max(target[part] / Double(max(area[part], 1)), 0.25), 4)
                // Ever smaller steps (square root, fourth root, ...) so that neighbours that trade pixels settle.
                for _ in 0 ..< 1 + round / roundsPerStep { step = step.squareRoot() }
                gain[part] *= step
            }
        }
        votes.assign(gain: gain, choice: &choice, area: &area)
        var winners = votes.settled
        for (j, pixel) in votes.mixed.enumerated() { winners[Int(pixel)] = choice[j] }
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
/// B-spline weights, tap-major: tap t of index i is at `t * size + i`.
private struct SplineTaps {
    let taps: Int
    let size: Int
    var cells: [Int]
    var weights: [Double]
    /// Runs of consecutive indices whose taps start at the same cell, and so read the same cells.
    var bands: [Range<Int>] = []

    init(gridSize: Int, size: Int) {
        let reach = Int(2 * SmoothUpsampling.kernelCells)
        taps = 2 * reach
        self.size = size
        cells = [Int](repeating: 0, count: taps * size)
        weights = [Double](repeating: 0, count: taps * size)
        let den = 2 * size
        var bandFirst = Int.min
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
                cells[tap * size + i] = min(max(cell, 0), gridSize - 1)
                weights[tap * size + i] = weight
            }
            if first == bandFirst {
                bands[bands.count - 1] = bands[bands.count - 1].lowerBound ..< i + 1
            } else {
                bands.append(i ..< i + 1)
                bandFirst = first
            }
        }
    }
}

/// The parts' votes where they can differ. A window is a band of output rows times a band of output columns
/// (`SplineTaps.bands`): its pixels all read the same cells, so its parts are listed once for all of them.
private struct PartVotes {
    /// Fewest pixels per thread: a vote costs 64 products a pixel, a round's scoring a few.
    static let votePixelsPerThread = 2048
    static let scorePixelsPerThread = 16384

    let partCount: Int
    /// Each pixel's part where its window holds one part, -1 where the window is mixed.
    let settled: [Int32]
    /// Each part's pixels in windows of that part alone.
    let settledArea: [Int]
    /// The windows' parts, each window's in ascending order (window w's from `partStart[w]` in `init`).
    let windowParts: [Int32]
    /// The pixels of the mixed windows, window by window and row-major within a window: pixel j is
    /// `mixed[j]`, its parts are the `voteStart[j + 1] - voteStart[j]` parts from `windowParts[mixedParts[j]]` and
    /// its votes for them are `votes[voteStart[j] ..< voteStart[j + 1]]`.
    let mixed: [Int32]
    let mixedParts: [Int]
    let voteStart: [Int]
    let votes: [Double]

    init(parts: ObjectComponents, rows: SplineTaps, cols: SplineTaps) {
        partCount = parts.count
        var settled = [Int32](repeating: -1, count: rows.size * cols.size)
        var settledArea = [Int](repeating: 0, count: parts.count)
        // Window w (numbered row band by row band) lists `windowParts[partStart[w] ..< partStart[w + 1]]`.
        var partStart = [0]
        var windowParts: [Int32] = []
        var mixed: [Int32] = []
        var mixedParts: [Int] = []
        var voteStart = [0]
        mixed.reserveCapacity(rows.size * cols.size)
        mixedParts.reserveCapacity(rows.size * cols.size)
        voteStart.reserveCapacity(rows.size * cols.size + 1)
        // Where each window's pixels start in `mixed`.
        var windowMixed = [0]
        // Per cell, how many cells of its part end at it along its row: a row of a window holds one part when the
        // run at its last cell reaches back to its first.
        var runs = [Int](repeating: 1, count: parts.numbers.count)
        for cell in runs.indices where cell % parts.width > 0 && parts.numbers[cell] == parts.numbers[cell - 1] {
            runs[cell] = runs[cell - 1] + 1
        }
        // The last window that listed each part.
        var listedIn = [Int](repeating: -1, count: parts.count)
        for rowBand in rows.bands {
            // The window's cells: the taps' cells without the repeats of clamping.
            let top = rows.cells[rowBand.lowerBound]
            let bottom = rows.cells[(rows.taps - 1) * rows.size + rowBand.lowerBound]
            for colBand in cols.bands {
                let left = cols.cells[colBand.lowerBound]
                let right = cols.cells[(cols.taps - 1) * cols.size + colBand.lowerBound]
                let window = partStart.count - 1
                let first = windowParts.count
                for row in top ... bottom {
                    let rowStart = row * parts.width
                    let oneRun = runs[rowStart + right] > right - left
                    for cell in rowStart + left ... (oneRun ? rowStart + left : rowStart + right)
                    where listedIn[Int(parts.numbers[cell])] != window {
                        listedIn[Int(parts.numbers[cell])] = window
                        windowParts.append(parts.numbers[cell])
                    }
                }
                let count = windowParts.count - first
                partStart.append(windowParts.count)
                if count == 1 {
                    settledArea[Int(windowParts[first])] += rowBand.count * colBand.count
                    for y in rowBand {
                        for x in colBand { settled[y * cols.size + x] = windowParts[first] }
                    }
                } else {
                    // Ascending, so that the first of equal scores is the lower part number.
                    windowParts[first...].sort()
                    for y in rowBand {
                        for x in colBand {
                            mixed.append(Int32(y * cols.size + x))
                            mixedParts.append(first)
                            voteStart.append(voteStart[voteStart.count - 1] + count)
                        }
                    }
                }
                windowMixed.append(mixed.count)
            }
        }
        self.settled = settled
        self.settledArea = settledArea
        self.windowParts = windowParts
        self.mixed = mixed
        self.mixedParts = mixedParts
        self.voteStart = voteStart
        votes = Self.votes(
            parts: parts, rows: rows, cols: cols, partStart: partStart, windowParts: windowParts,
            windowVotes: windowMixed.map { voteStart[$0] })
    }

    /// The votes of the mixed windows' pixels; window w's start at `windowVotes[w]`.
    private static func votes(
        parts: ObjectComponents, rows: SplineTaps, cols: SplineTaps, partStart: [Int], windowParts: [Int32],
        windowVotes: [Int]
    ) -> [Double] {
        var votes = [Double](repeating: 0, count: windowVotes[windowVotes.count - 1])
        let bandPixels = rows.bands.first.map { $0.count * cols.size } ?? 1
        parts.numbers.withUnsafeBufferPointer { numbers in
            rows.weights.withUnsafeBufferPointer { rowWeights in
                cols.weights.withUnsafeBufferPointer { colWeights in
                    votes.withUnsafeMutableBufferPointer { votes in
                        Parallel.forEach(rows.bands.count, grain: max(1, votePixelsPerThread / bandPixels)) { bands in
                            // Each part's place among its window's parts.
                            var slotOf = [Int](repeating: 0, count: parts.count)
                            for rowBandIndex in bands {
                                let rowBand = rows.bands[rowBandIndex]
                                for (colBandIndex, colBand) in cols.bands.enumerated() {
                                    let window = rowBandIndex * cols.bands.count + colBandIndex
                                    let first = partStart[window]
                                    let count = partStart[window + 1] - first
                                    guard count > 1 else { continue }
                                    for slot in 0 ..< count { slotOf[Int(windowParts[first + slot])] = slot }
                                    // Row taps outer, column taps inner: each part's vote adds its taps in the
                                    // twin's order. The window's pixels are the inner loop: their sums are
                                    // independent, so they overlap in the processor.
                                    for rowTap in 0 ..< rows.taps {
                                        let rowCell = rows.cells[rowTap * rows.size + rowBand.lowerBound] * parts.width
                                        for colTap in 0 ..< cols.taps {
                                            let column = colTap * cols.size + colBand.lowerBound
                                            var vote =
                                                votes.baseAddress! + windowVotes[window]
                                                + slotOf[Int(numbers[rowCell + cols.cells[column]])]
                                            let weights = colWeights.baseAddress! + column
                                            for y in rowBand {
                                                let rowWeight = rowWeights[rowTap * rows.size + y]
                                                for x in 0 ..< colBand.count {
                                                    vote.pointee += rowWeight * weights[x]
                                                    vote += count
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return votes
    }

    /// Chooses for each pixel of the mixed windows (`mixed`) the part with the largest vote times gain (equal
    /// products: the lower part number). A pixel that changes part moves from its old part's area to its new one's:
    /// from round to round few pixels change.
    func assign(gain: [Double], choice: inout [Int32], area: inout [Int]) {
        let listedGain = windowParts.map { gain[Int($0)] }
        let moved = Mutex([Int](repeating: 0, count: partCount))
        mixedParts.withUnsafeBufferPointer { mixedParts in
            voteStart.withUnsafeBufferPointer { voteStart in
                votes.withUnsafeBufferPointer { votes in
                    windowParts.withUnsafeBufferPointer { windowParts in
                        listedGain.withUnsafeBufferPointer { listedGain in
                            choice.withUnsafeMutableBufferPointer { choice in
                                Parallel.forEach(choice.count, grain: Self.scorePixelsPerThread) { pixels in
                                    var partMoved = [Int](repeating: 0, count: partCount)
                                    for j in pixels {
                                        let parts = mixedParts[j]
                                        let vote = voteStart[j]
                                        var best = votes[vote] * listedGain[parts]
                                        var chosen = parts
                                        for k in 1 ..< voteStart[j + 1] - vote {
                                            let score = votes[vote + k] * listedGain[parts + k]
                                            // Strictly larger: of equal scores the lower part number stays.
                                            if score > best {
                                                best = score
                                                chosen = parts + k
                                            }
                                        }
                                        let part = windowParts[chosen]
                                        if part != choice[j] {
                                            if choice[j] >= 0 { partMoved[Int(choice[j])] -= 1 }
                                            partMoved[Int(part)] += 1
                                            choice[j] = part
                                        }
                                    }
                                    // Sums of counts: the same whatever the split.
                                    moved.withLock { moved in
                                        for part in 0 ..< partCount { moved[part] += partMoved[part] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        moved.withLock { moved in
            for part in 0 ..< partCount { area[part] += moved[part] }
        }
    }
}
