/// Painted grid -> label map (docs/conditioning.md, section 1), by one of two methods.
///
/// `classVote`: each output pixel takes the class that wins an integer bilinear vote of its four nearest grid cells,
/// so a coarse staircase becomes a rounded boundary instead of square blocks (the stair steps stay visible).
/// `smooth`: the smoothed, area-preserving vote of the grid's parts (`SmoothUpsampling`), without stair steps and
/// keeping one-cell rows and columns; it applies where the grid is smaller than the output on both axes, other grids
/// take the class vote. A grid already at the output size passes through unchanged with either method.
public enum LabelUpsampling {
    /// How a painted grid reaches the picture; the raw value is what saved sessions record.
    public enum Method: String, Sendable, Codable, CaseIterable {
        case classVote = "vote"
        case smooth

        /// The method of files saved before the method was recorded.
        public static let unrecorded = Method.classVote
        /// The method new paintings use.
        public static let painter = Method.smooth
    }

    /// Upsamples a grid of class ids and its instance grid (both `[gh, gw]`) to `[height, width]`.
    public static func upsample(
        labels: LabelMap, instances: InstanceMap, width: Int, height: Int, method: Method = .classVote
    ) -> (labels: LabelMap, instances: InstanceMap) {
        labels.requireSize(of: instances)
        precondition(width > 0 && height > 0, "output size \(width)x\(height) is not positive")
        if method == .smooth, labels.width <= width, labels.height <= height,
            labels.width != width || labels.height != height
        {
            return SmoothUpsampling.upsample(labels: labels, instances: instances, width: width, height: height)
        }
        let rows = AxisVotes(gridSize: labels.height, size: height)
        let cols = AxisVotes(gridSize: labels.width, size: width)
        let gridWidth = labels.width
        var outLabels = [Int32](repeating: 0, count: width * height)
        var outInstances = [Int32](repeating: 0, count: width * height)

        labels.classes.withUnsafeBufferPointer { grid in
            instances.ids.withUnsafeBufferPointer { ids in
                outLabels.withUnsafeMutableBufferPointer { outL in
                    outInstances.withUnsafeMutableBufferPointer { outI in
                        for y in 0 ..< height {
                            let top = rows.near[y] * gridWidth
                            let bottom = rows.far[y] * gridWidth
                            let wTop = rows.nearWeight[y]
                            let wBottom = rows.farWeight[y]
                            for x in 0 ..< width {
                                let left = cols.near[x]
                                let right = cols.far[x]
                                let wLeft = cols.nearWeight[x]
                                let wRight = cols.farWeight[x]
                                // The contract's voter order: (y0,x0), (y0,x1), (y1,x0), (y1,x1).
                                let cells: InlineArray<4, Int> = [
                                    top + left, top + right, bottom + left, bottom + right,
                                ]
                                let vote = Vote(
                                    classes: [grid[cells[0]], grid[cells[1]], grid[cells[2]], grid[cells[3]]],
                                    weights: [wTop * wLeft, wTop * wRight, wBottom * wLeft, wBottom * wRight])
                                let cell = cells[vote.winner()]
                                outL[y * width + x] = grid[cell]
                                outI[y * width + x] = ids[cell]
                            }
                        }
                    }
                }
            }
        }
        return (
            LabelMap(width: width, height: height, classes: outLabels),
            InstanceMap(width: width, height: height, ids: outInstances)
        )
    }
}

/// Per output index along one axis: the two nearest grid cells (clamped) and their integer weights.
///
/// Output index `i` sits at grid coordinate `((2i + 1) * gridSize - size) / (2 * size)`; the cell below
/// (floor) gets `den - frac`, the next one `frac`, with `den = 2 * size`.
private struct AxisVotes {
    var near: [Int]
    var far: [Int]
    var nearWeight: [Int]
    var farWeight: [Int]

    init(gridSize: Int, size: Int) {
        near = [Int](repeating: 0, count: size)
        far = near
        nearWeight = near
        farWeight = near
        let den = 2 * size
        for i in 0 ..< size {
            let num = (2 * i + 1) * gridSize - size
            // Floor division: num may be negative near the start of the axis.
            let first = num >= 0 ? num / den : -((-num + den - 1) / den)
            let fraction = num - first * den
            near[i] = min(max(first, 0), gridSize - 1)
            far[i] = min(max(first + 1, 0), gridSize - 1)
            nearWeight[i] = den - fraction
            farWeight[i] = fraction
        }
    }
}

/// The four voters of one output pixel, in the contract's order (y0,x0), (y0,x1), (y1,x0), (y1,x1).
private struct Vote {
    let classes: InlineArray<4, Int32>
    let weights: InlineArray<4, Int>

    /// The index (0 ..< 4) of the voter whose cell supplies the pixel: the class with the largest total wins
    /// (equal totals: the lower class id), then that class's heaviest voter (equal weights: the first).
    func winner() -> Int {
        let chosen = winningClass()
        var voter = 0
        var heaviest = -1
        for k in 0 ..< 4 where classes[k] == chosen && weights[k] > heaviest {
            heaviest = weights[k]
            voter = k
        }
        return voter
    }

    private func winningClass() -> Int32 {
        // Inside a region of one class (most pixels) there is nothing to count.
        if classes[0] == classes[1], classes[0] == classes[2], classes[0] == classes[3] { return classes[0] }
        var chosen = classes[0]
        var best = Int.min
        for k in 0 ..< 4 {
            var total = 0
            for j in 0 ..< 4 where classes[j] == classes[k] {
                total += weights[j]
            }
            if total > best || (total == best && classes[k] < chosen) {
                best = total
                chosen = classes[k]
            }
        }
        return chosen
    }
}
