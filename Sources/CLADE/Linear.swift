/// A fully connected layer, as PyTorch's `nn.Linear`: `y = W x + b`.
///
/// - weight: `[out, in]`; bias: `[out]`.
/// - input: a vector of `in` values (any shape with that many elements, flattened row-major); output `[out]`.
public struct Linear: Sendable {
    public let weight: Tensor
    public let bias: Tensor

    public init(weight: Tensor, bias: Tensor) {
        precondition(
            weight.shape.count == 2 && bias.shape == [weight.shape[0]], "linear needs weight [out, in] and bias [out]")
        self.weight = weight
        self.bias = bias
    }

    public var inputFeatures: Int { weight.shape[1] }
    public var outputFeatures: Int { weight.shape[0] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.count == inputFeatures, "linear expects \(inputFeatures) inputs, got \(x.count)")
        var y = bias
        weight.data.withUnsafeBufferPointer { weights in
            x.data.withUnsafeBufferPointer { input in
                y.data.withUnsafeMutableBufferPointer { out in
                    MatrixProduct.accumulate(
                        m: outputFeatures, k: inputFeatures, a: weights.baseAddress!,
                        x: input.baseAddress!, y: out.baseAddress!)
                }
            }
        }
        return y
    }
}
