/// The parameter-free normalisation inside every SPADE / CLADE layer: `xhat = (x - mean) / sqrt(var + eps)` per channel.
///
/// - `batch`: the running statistics of a batch norm without affine (inference mode); folded at load time into
///   a per-channel scale and shift, computed as PyTorch's CPU batch norm does (`invstd = 1 / sqrt(var + eps)`,
///   `xhat = x * invstd - mean * invstd`).
/// - `instance`: statistics of the input itself, per channel, biased variance, accumulated in double.
///
/// Input and output `[C, H, W]`.
public enum ParamFreeNorm: Sendable {
    case batch(scale: [Float], shift: [Float])
    case instance

    public static let epsilon: Float = 1e-5

    /// A batch norm from its running statistics `[C]`.
    public init(runningMean: Tensor, runningVar: Tensor) {
        precondition(runningMean.shape == runningVar.shape && runningMean.shape.count == 1)
        let scale = runningVar.data.map { 1 / ($0 + Self.epsilon).squareRoot() }
        let shift = zip(runningMean.data, scale).map { -$0 * $1 }
        self = .batch(scale: scale, shift: shift)
    }

    /// The per-channel `(scale, shift)` with `xhat = x * scale + shift` for the input `x` `[C, H, W]`.
    /// Fused layers use this to normalise and modulate in one pass.
    public func affine(for x: Tensor) -> (scale: [Float], shift: [Float]) {
        switch self {
        case .batch(let scale, let shift):
            precondition(scale.count == x.channels, "norm has \(scale.count) channels, input \(x.shape)")
            return (scale, shift)
        case .instance:
            let pixels = x.height * x.width
            var scale = [Float](repeating: 0, count: x.channels)
            var shift = [Float](repeating: 0, count: x.channels)
            x.data.withUnsafeBufferPointer { v in
                for c in 0 ..< x.channels {
                    let plane = UnsafeBufferPointer(rebasing: v[c * pixels ..< (c + 1) * pixels])
                    var sum = 0.0
                    for value in plane { sum += Double(value) }
                    let mean = sum / Double(pixels)
                    var squares = 0.0
                    for value in plane {
                        let d = Double(value) - mean
                        squares += d * d
                    }
                    let invstd = 1 / (squares / Double(pixels) + Double(Self.epsilon)).squareRoot()
                    scale[c] = Float(invstd)
                    shift[c] = Float(-mean * invstd)
                }
            }
            return (scale, shift)
        }
    }

    /// `xhat` for `x` `[C, H, W]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (scale, shift) = affine(for: x)
        var out = x
        let pixels = x.height * x.width
        out.data.withUnsafeMutableBufferPointer { v in
            for c in 0 ..< x.channels {
                let (a, b) = (scale[c], shift[c])
                for i in c * pixels ..< (c + 1) * pixels { v[i] = v[i] * a + b }
            }
        }
        return out
    }
}
