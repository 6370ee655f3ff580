/// A map of class ids, one per pixel, row-major `[height, width]`.
///
/// Class ids index the model's class bank (`0 ..< labelCount`, plus the dontcare class where the model has one).
public struct LabelMap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var classes: [Int32]

    public init(width: Int, height: Int, classes: [Int32]) {
        precondition(width * height == classes.count, "label map data does not fill \(width)x\(height)")
        self.width = width
        self.height = height
        self.classes = classes
    }

    public subscript(y: Int, x: Int) -> Int32 {
        get { classes[y * width + x] }
        set { classes[y * width + x] = newValue }
    }

    /// Stops with a message naming both sizes unless `instances` has this map's size (a caller's mistake, not bad
    /// input: files are checked where they are read).
    public func requireSize(of instances: InstanceMap) {
        precondition(
            width == instances.width && height == instances.height,
            "label map \(width)x\(height) and instance map \(instances.width)x\(instances.height) differ in size")
    }
}

/// A map of instance ids, one per pixel, row-major `[height, width]`.
///
/// An object is a connected region of one (class, instance) pair; instance 0 means "no instance given".
public struct InstanceMap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var ids: [Int32]

    public init(width: Int, height: Int, ids: [Int32]) {
        precondition(width * height == ids.count, "instance map data does not fill \(width)x\(height)")
        self.width = width
        self.height = height
        self.ids = ids
    }

    public init(zerosWidth width: Int, height: Int) {
        self.init(width: width, height: height, ids: [Int32](repeating: 0, count: width * height))
    }

    public subscript(y: Int, x: Int) -> Int32 {
        get { ids[y * width + x] }
        set { ids[y * width + x] = newValue }
    }
}
