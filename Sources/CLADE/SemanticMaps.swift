/// The conditioning that every normalisation layer of one feature size reads: the class of each pixel,
/// and optionally the edge map and the ICPE distance map, all at that size.
///
/// - classes: `[H * W]` class-bank indices, row-major.
/// - edges: `[H * W]` (the edge map's single channel), or nil when the model has no edge channel.
/// - distances: `[2 * H * W]`, channels `[h, w]` (ICPE), or nil when the model has no ICPE.
///
/// The generator builds one per resolution by nearest-resizing the full-size maps with PyTorch's rule
/// (`NearestResize`, docs/conditioning.md section 4). `classChunks` is derived from `classes` once here, for every
/// CLADE norm of that resolution.
public struct SemanticMaps: Sendable {
    public let classCount: Int
    public let height: Int
    public let width: Int
    public let classes: [Int32]
    public let edges: [Float]?
    public let distances: [Float]?
    let classChunks: ClassChunks

    public init(classCount: Int, height: Int, width: Int, classes: [Int32], edges: [Float]?, distances: [Float]?) {
        precondition(classes.count == height * width, "class map does not fill \(height)x\(width)")
        precondition(edges == nil || edges!.count == height * width, "edge map does not fill \(height)x\(width)")
        precondition(
            distances == nil || distances!.count == 2 * height * width,
            "distance map does not fill 2x\(height)x\(width)")
        self.classCount = classCount
        self.height = height
        self.width = width
        self.classes = classes
        self.edges = edges
        self.distances = distances
        classChunks = ClassChunks(classes: classes, height: height, width: width)
    }

    /// The maps nearest-resized to `height` x `width` (identity when the size is unchanged).
    public func resized(height newHeight: Int, width newWidth: Int) -> SemanticMaps {
        if newHeight == height && newWidth == width { return self }
        let rows = NearestResize.sourceIndices(inputSize: height, outputSize: newHeight)
        let cols = NearestResize.sourceIndices(inputSize: width, outputSize: newWidth)
        func resample<T>(_ plane: ArraySlice<T>) -> [T] {
            let base = plane.startIndex
            var out: [T] = []
            out.reserveCapacity(newHeight * newWidth)
            for r in rows { for c in cols { out.append(plane[base + r * width + c]) } }
            return out
        }
        let pixels = height * width
        return SemanticMaps(
            classCount: classCount, height: newHeight, width: newWidth,
            classes: resample(classes[...]),
            edges: edges.map { resample($0[...]) },
            distances: distances.map { resample($0[0 ..< pixels]) + resample($0[pixels ..< 2 * pixels]) })
    }

    /// The semantic input of SPADE layers and of the generator's head conv: one-hot classes `[classCount, H, W]`,
    /// followed by the edge channel when there is one: `[classCount + 1, H, W]`.
    public func oneHot() -> Tensor {
        let pixels = height * width
        let channels = classCount + (edges == nil ? 0 : 1)
        var out = Tensor(zeros: [channels, height, width])
        out.data.withUnsafeMutableBufferPointer { v in
            for (i, label) in classes.enumerated() { v[Int(label) * pixels + i] = 1 }
            if let edges { for i in 0 ..< pixels { v[classCount * pixels + i] = edges[i] } }
        }
        return out
    }
}
