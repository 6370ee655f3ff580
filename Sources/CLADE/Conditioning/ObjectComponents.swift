/// The objects of a label map: 8-connected components of equal (class, instance) pairs, or of one class whatever
/// its instances (`ConditioningConventions.ObjectRule`; docs/conditioning.md, section 3).
///
/// Found run by run: each row is cut into runs of one object key, a run joins the runs of the row above that touch it
/// (8-connectivity: columns overlapping or diagonal) with the same key, and the joined runs are numbered in row-major
/// order. A row of a painted map holds a few runs, so the cost is one comparison per pixel plus a little per run.
public struct ObjectComponents: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Object number per pixel, row-major `[height, width]`, numbered `0 ..< count` in the order of each
    /// object's first pixel in row-major order; -1 on pixels of the ignored class.
    public let numbers: [Int32]
    /// How many objects the map holds.
    public let count: Int

    /// Finds the objects of `labels` and `instances` (same size) under `rule`; pixels of `ignoredClass` belong to
    /// no object.
    public init(
        labels: LabelMap, instances: InstanceMap, ignoredClass: Int32? = nil,
        rule: ConditioningConventions.ObjectRule = .classAndInstance
    ) {
        labels.requireSize(of: instances)
        let width = labels.width
        let height = labels.height
        let instancesCount = rule == .classAndInstance
        // The runs of the objects' pixels, row by row: run r covers pixels `runStart[r] ..< runEnd[r]` of one row.
        var runStart: [Int] = []
        var runEnd: [Int] = []
        // Joined runs: a tree per object (union-find), each run pointing towards its object's first run.
        var parent: [Int] = []
        func root(_ run: Int) -> Int {
            var run = run
            while parent[run] != run {
                parent[run] = parent[parent[run]]
                run = parent[run]
            }
            return run
        }
        labels.classes.withUnsafeBufferPointer { cls in
            instances.ids.withUnsafeBufferPointer { ids in
                func sameObject(_ a: Int, _ b: Int) -> Bool {
                    cls[a] == cls[b] && (!instancesCount || ids[a] == ids[b])
                }
                var rowAbove = 0 ..< 0
                for y in 0 ..< height {
                    let rowStart = y * width
                    let rowRuns = runStart.count
                    // The first run of the row above that can touch the next run of this row.
                    var above = rowAbove.lowerBound
                    var end = rowStart
                    while end < rowStart + width {
                        let start = end
                        end += 1
                        while end < rowStart + width && sameObject(start, end) { end += 1 }
                        guard cls[start] != ignoredClass else { continue }
                        let run = runStart.count
                        runStart.append(start)
                        runEnd.append(end)
                        parent.append(run)
                        // A run above, moved down a row, touches this one where it covers a pixel from `start - 1`
                        // to `end` (8-connectivity takes the diagonals): it ends at or after `start` (its end is
                        // exclusive) and starts at or before `end`.
                        while above < rowAbove.upperBound && runEnd[above] + width < start { above += 1 }
                        var touching = above
                        while touching < rowAbove.upperBound && runStart[touching] + width <= end {
                            if sameObject(start, runStart[touching]) {
                                // The older run's root stays the root: it comes first in row-major order.
                                let (a, b) = (root(touching), root(run))
                                if a != b { parent[max(a, b)] = min(a, b) }
                            }
                            touching += 1
                        }
                    }
                    rowAbove = rowRuns ..< runStart.count
                }
            }
        }
        var numbers = [Int32](repeating: -1, count: width * height)
        var objectOf = [Int32](repeating: -1, count: runStart.count)
        var count: Int32 = 0
        for run in runStart.indices {
            let first = root(run)
            if objectOf[first] < 0 {
                objectOf[first] = count
                count += 1
            }
            for pixel in runStart[run] ..< runEnd[run] { numbers[pixel] = objectOf[first] }
        }
        self.width = width
        self.height = height
        self.numbers = numbers
        self.count = Int(count)
    }
}
