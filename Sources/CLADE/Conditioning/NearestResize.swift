/// Nearest-neighbour resizing exactly as PyTorch's `F.interpolate(mode: "nearest")` (docs/conditioning.md,
/// section 4), which every CLADE layer applies to the label, edge and distance maps to reach its feature size.
///
/// PyTorch computes the source index in Float: `scale = Float(in) / Float(out)`,
/// `src = min(floor(Float(dst) * scale), in - 1)`. For some size pairs (26 -> 22, 14 -> 46 ...) this differs
/// from the exact `floor(dst * in / out)`, so the Float rule is kept on purpose.
public enum NearestResize {
    /// The source index of each output index along one axis: `[outputSize]` values in `0 ..< inputSize`.
    public static func sourceIndices(inputSize: Int, outputSize: Int) -> [Int] {
        precondition(inputSize > 0 && outputSize > 0, "sizes \(inputSize) -> \(outputSize) are not positive")
        let scale = Float(inputSize) / Float(outputSize)
        return (0 ..< outputSize).map { min(Int((Float($0) * scale).rounded(.down)), inputSize - 1) }
    }

    /// A label map resized to `width x height`.
    public static func resize(_ labels: LabelMap, width: Int, height: Int) -> LabelMap {
        LabelMap(
            width: width, height: height,
            classes: gather(
                labels.classes, channels: 1, fromWidth: labels.width, fromHeight: labels.height,
                toWidth: width, toHeight: height))
    }

    /// An instance map resized to `width x height`.
    public static func resize(_ instances: InstanceMap, width: Int, height: Int) -> InstanceMap {
        InstanceMap(
            width: width, height: height,
            ids: gather(
                instances.ids, channels: 1, fromWidth: instances.width, fromHeight: instances.height,
                toWidth: width, toHeight: height))
    }

    /// A tensor `[C, H, W]` resized to `[C, height, width]`, each channel on its own.
    public static func resize(_ tensor: Tensor, width: Int, height: Int) -> Tensor {
        precondition(tensor.shape.count == 3, "nearest resize needs a [C, H, W] tensor, got \(tensor.shape)")
        let channels = tensor.shape[0]
        return Tensor(
            shape: [channels, height, width],
            data: gather(
                tensor.data, channels: channels, fromWidth: tensor.shape[2],
                fromHeight: tensor.shape[1], toWidth: width, toHeight: height))
    }

    private static func gather<Element>(
        _ source: [Element], channels: Int, fromWidth: Int, fromHeight: Int, toWidth: Int, toHeight: Int
    ) -> [Element] {
        let rows = sourceIndices(inputSize: fromHeight, outputSize: toHeight)
        let cols = sourceIndices(inputSize: fromWidth, outputSize: toWidth)
        var result = [Element]()
        result.reserveCapacity(channels * toHeight * toWidth)
        for c in 0 ..< channels {
            for y in 0 ..< toHeight {
                let base = (c * fromHeight + rows[y]) * fromWidth
                for x in 0 ..< toWidth {
                    result.append(source[base + cols[x]])
                }
            }
        }
        return result
    }
}
