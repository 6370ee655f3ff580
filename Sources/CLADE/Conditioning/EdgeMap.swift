/// Instance edge map (docs/conditioning.md, section 2).
///
/// A pixel is 1 where it differs from any of its 4-neighbours inside the map, else 0. What "differs" means is the
/// model's `ConditioningConventions.EdgeRule`: the (class, instance) pair (the painter's rule, so touching stuff
/// classes are separated too), or the instance value alone (SPADE's `get_edges`).
public enum EdgeMap {
    /// The edge map of a label map and its instance map (same size), as a tensor `[1, H, W]` of 0 and 1.
    public static func compute(
        labels: LabelMap, instances: InstanceMap, rule: ConditioningConventions.EdgeRule = .classAndInstance
    ) -> Tensor {
        labels.requireSize(of: instances)
        let width = labels.width
        let height = labels.height
        let classesCount = rule == .classAndInstance
        var edges = [Float](repeating: 0, count: width * height)
        labels.classes.withUnsafeBufferPointer { cls in
            instances.ids.withUnsafeBufferPointer { ids in
                edges.withUnsafeMutableBufferPointer { out in
                    func differ(_ i: Int, _ j: Int) -> Bool { ids[i] != ids[j] || (classesCount && cls[i] != cls[j]) }
                    for y in 0 ..< height {
                        for x in 0 ..< width {
                            let i = y * width + x
                            if x + 1 < width, differ(i, i + 1) {
                                out[i] = 1
                                out[i + 1] = 1
                            }
                            if y + 1 < height, differ(i, i + width) {
                                out[i] = 1
                                out[i + width] = 1
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [1, height, width], data: edges)
    }
}
