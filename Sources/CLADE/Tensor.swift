/// A dense float32 tensor in row-major order.
///
/// Feature maps are stored without a batch dimension as `[C, H, W]`; weights keep PyTorch's layouts
/// (`[out, in, kh, kw]` for convolutions, `[out, in]` for linear layers, `[classes, C]` for class banks).
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "tensor data does not fill shape \(shape)")
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public var count: Int { data.count }
}
