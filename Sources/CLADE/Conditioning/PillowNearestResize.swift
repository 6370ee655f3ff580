/// Nearest-neighbour resizing as Pillow's `Image.resize(size, Image.NEAREST)` does it (docs/conditioning.md,
/// section 6): the rule by which the official SPADE/CLADE loaders bring label and instance files to the model's size.
///
/// Pillow walks the source in Double: with `scale = in / out`, output index 0 reads `floor(scale / 2)` and each next
/// index adds `scale` to a running sum before flooring. Its rounding differs from PyTorch's float32 rule
/// (`NearestResize`), so both are kept, each where its library is used.
public enum PillowNearestResize {
    /// The source index of each output index along one axis: `[outputSize]` values in `0 ..< inputSize`.
    public static func sourceIndices(inputSize: Int, outputSize: Int) -> [Int] {
        precondition(inputSize > 0 && outputSize > 0, "sizes \(inputSize) -> \(outputSize) are not positive")
        let scale = Double(inputSize) / Double(outputSize)
        var position = scale * 0.5
        var indices = [Int]()
        indices.reserveCapacity(outputSize)
        for _ in 0 ..< outputSize {
            indices.append(min(Int(position.rounded(.down)), inputSize - 1))
            position += scale
        }
        return indices
    }

    /// A label map resized to `width x height`.
    public static func resize(_ labels: LabelMap, width: Int, height: Int) -> LabelMap {
        LabelMap(
            width: width, height: height,
            classes: gather(
                labels.classes, fromWidth: labels.width, fromHeight: labels.height, toWidth: width, toHeight: height))
    }

    /// An instance map resized to `width x height`.
    public static func resize(_ instances: InstanceMap, width: Int, height: Int) -> InstanceMap {
        InstanceMap(
            width: width, height: height,
            ids: gather(
                instances.ids, fromWidth: instances.width, fromHeight: instances.height, toWidth: width,
                toHeight: height))
    }

    private static func gather(_ source: [Int32], fromWidth: Int, fromHeight: Int, toWidth: Int, toHeight: Int)
        -> [Int32]
    {
        let rows = sourceIndices(inputSize: fromHeight, outputSize: toHeight)
        let cols = sourceIndices(inputSize: fromWidth, outputSize: toWidth)
        var result = [Int32]()
        result.reserveCapacity(toHeight * toWidth)
        for row in rows {
            for col in cols { result.append(source[row * fromWidth + col]) }
        }
        return result
    }
}
