/// Instance edge map (docs/conditioning.md, section 2).
///
/// An object id is the pair (class, instance); a pixel is 1 where its object id differs from any of its
/// 4-neighbours inside the map, else 0 — SPADE's `get_edges` with the class included, so touching stuff
/// classes are separated too.
public enum EdgeMap {
    /// The edge map of a label map and its instance map (same size), as a tensor `[1, H, W]` of 0 and 1.
    public static func compute(labels: LabelMap, instances: InstanceMap) -> Tensor {
        precondition(labels.width == instances.width && labels.height == instances.height,
                     "label map \(labels.width)x\(labels.height) and instance map "
                         + "\(instances.width)x\(instances.height) differ in size")
        let width = labels.width, height = labels.height
        var edges = [Float](repeating: 0, count: width * height)
        labels.classes.withUnsafeBufferPointer { cls in
            instances.ids.withUnsafeBufferPointer { ids in
                edges.withUnsafeMutableBufferPointer { out in
                    for y in 0 ..< height {
                        for x in 0 ..< width {
                            let i = y * width + x
                            if x + 1 < width, cls[i] != cls[i + 1] || ids[i] != ids[i + 1] {
                                out[i] = 1
                                out[i + 1] = 1
                            }
                            if y + 1 < height, cls[i] != cls[i + width] || ids[i] != ids[i + width] {
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
