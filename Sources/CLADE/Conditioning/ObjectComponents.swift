/// The objects of a label map: 8-connected components of equal (class, instance) pairs, or of one class whatever
/// its instances (`ConditioningConventions.ObjectRule`; docs/conditioning.md, section 3).
///
/// Found by one flood fill per object over a preallocated stack, so the cost is linear in the pixel count
/// with a fixed number of allocations per map.
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
        precondition(
            labels.width == instances.width && labels.height == instances.height,
            "label map \(labels.width)x\(labels.height) and instance map "
                + "\(instances.width)x\(instances.height) differ in size")
        let width = labels.width
        let height = labels.height
        var numbers = [Int32](repeating: -1, count: width * height)
        var stack = [Int32](repeating: 0, count: width * height)
        var count: Int32 = 0
        let instancesCount = rule == .classAndInstance
        labels.classes.withUnsafeBufferPointer { cls in
            instances.ids.withUnsafeBufferPointer { ids in
                numbers.withUnsafeMutableBufferPointer { number in
                    stack.withUnsafeMutableBufferPointer { stack in
                        for seed in 0 ..< width * height where number[seed] < 0 && cls[seed] != ignoredClass {
                            let objectClass = cls[seed]
                            let objectInstance = ids[seed]
                            number[seed] = count
                            stack[0] = Int32(seed)
                            var top = 1
                            while top > 0 {
                                top -= 1
                                let pixel = Int(stack[top])
                                let y = pixel / width
                                let x = pixel - y * width
                                for ny in max(y - 1, 0) ... min(y + 1, height - 1) {
                                    for nx in max(x - 1, 0) ... min(x + 1, width - 1) {
                                        let neighbour = ny * width + nx
                                        if number[neighbour] < 0, cls[neighbour] == objectClass,
                                            !instancesCount || ids[neighbour] == objectInstance
                                        {
                                            number[neighbour] = count
                                            stack[top] = Int32(neighbour)
                                            top += 1
                                        }
                                    }
                                }
                            }
                            count += 1
                        }
                    }
                }
            }
        }
        self.width = width
        self.height = height
        self.numbers = numbers
        self.count = Int(count)
    }
}
