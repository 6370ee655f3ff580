/// ICPE intra-class positional encoding (docs/conditioning.md, section 3).
///
/// For each object, every pixel's offset from the object's centroid divided by the object's largest offset on
/// that axis (+1e-5), so values lie in [-1, 1]. Computed in Double and rounded to Float once, as the Python
/// twin does, so both sides agree bit for bit.
public enum DistanceMap {
    /// The distance map of a label map and its instance map (same size), as a tensor `[2, H, W]` with
    /// channels `[h, w]`, over the objects of `rule`. Pixels of `ignoredClass` are 0.
    public static func compute(
        labels: LabelMap, instances: InstanceMap, ignoredClass: Int32?,
        rule: ConditioningConventions.ObjectRule = .classAndInstance
    ) -> Tensor {
        let objects = ObjectComponents(labels: labels, instances: instances, ignoredClass: ignoredClass, rule: rule)
        let width = objects.width
        let height = objects.height
        let plane = width * height
        var size = [Int](repeating: 0, count: objects.count)
        var rowSum = size
        var colSum = size
        var rowMin = [Int](repeating: Int.max, count: objects.count)
        var colMin = rowMin
        var rowMax = [Int](repeating: Int.min, count: objects.count)
        var colMax = rowMax
        let runs = Self.runs(objects)
        // Integer sums, so adding a run at once is the same as adding its pixels.
        for (y, run) in runs {
            let k = Int(objects.numbers[y * width + run.lowerBound])
            guard k >= 0 else { continue }
            size[k] += run.count
            rowSum[k] += y * run.count
            colSum[k] += (run.lowerBound + run.upperBound - 1) * run.count / 2
            rowMin[k] = min(rowMin[k], y)
            rowMax[k] = max(rowMax[k], y)
            colMin[k] = min(colMin[k], run.lowerBound)
            colMax[k] = max(colMax[k], run.upperBound - 1)
        }

        // Rounding r - c to Double is monotone in r, so the largest |offset| over an object is reached at
        // its first or last row (column): the same value as a maximum over all its pixels.
        var rowCentre = [Double](repeating: 0, count: objects.count)
        var colCentre = rowCentre
        var rowScale = rowCentre
        var colScale = rowCentre
        for k in 0 ..< objects.count {
            rowCentre[k] = Double(rowSum[k]) / Double(size[k])
            colCentre[k] = Double(colSum[k]) / Double(size[k])
            let rowReach = max(abs(Double(rowMin[k]) - rowCentre[k]), abs(Double(rowMax[k]) - rowCentre[k]))
            let colReach = max(abs(Double(colMin[k]) - colCentre[k]), abs(Double(colMax[k]) - colCentre[k]))
            rowScale[k] = rowReach + 1e-5
            colScale[k] = colReach + 1e-5
        }

        var data = [Float](repeating: 0, count: 2 * plane)
        data.withUnsafeMutableBufferPointer { out in
            for (y, run) in runs {
                let k = Int(objects.numbers[y * width + run.lowerBound])
                guard k >= 0 else { continue }
                // One row: one value of the h channel.
                let h = Float((Double(y) - rowCentre[k]) / rowScale[k])
                for x in run {
                    out[y * width + x] = h
                    out[plane + y * width + x] = Float((Double(x) - colCentre[k]) / colScale[k])
                }
            }
        }
        return Tensor(shape: [2, height, width], data: data)
    }

    /// The runs of one object number along each row: `(row, columns)`, row by row.
    private static func runs(_ objects: ObjectComponents) -> [(row: Int, columns: Range<Int>)] {
        var runs: [(row: Int, columns: Range<Int>)] = []
        for y in 0 ..< objects.height {
            let row = objects.numbers[y * objects.width ..< (y + 1) * objects.width]
            var start = row.startIndex
            while start < row.endIndex {
                var end = start + 1
                while end < row.endIndex && row[end] == row[start] { end += 1 }
                runs.append((y, start - row.startIndex ..< end - row.startIndex))
                start = end
            }
        }
        return runs
    }
}
