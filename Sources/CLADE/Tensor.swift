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

    /// A tensor of `shape` whose values the caller writes before reading any (layer outputs that are written
    /// whole), so no pass over the memory is spent on zeros. `initialize` gets the storage and must fill all of it.
    init(shape: [Int], initializingWith initialize: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        self.shape = shape
        data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialize(buffer)
            initialized = count
        }
    }
}

extension Tensor {
    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, data: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// Channels of a feature map `[C, H, W]`.
    public var channels: Int { shape[0] }
    /// Height of a feature map `[C, H, W]`.
    public var height: Int { shape[1] }
    /// Width of a feature map `[C, H, W]`.
    public var width: Int { shape[2] }

    /// The largest absolute difference to `other` (same shape required), for tests and parity reports.
    public func maxAbsDifference(to other: Tensor) -> Float {
        precondition(shape == other.shape, "shapes differ: \(shape) vs \(other.shape)")
        var worst: Float = 0
        for i in data.indices { worst = max(worst, abs(data[i] - other.data[i])) }
        return worst
    }

    /// The largest absolute value.
    public var maxAbs: Float { data.reduce(0) { max($0, abs($1)) } }
}
