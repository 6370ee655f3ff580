import CHalf

/// A fully connected layer, as PyTorch's `nn.Linear`: `y = W x + b`.
///
/// - weight: `[out, in]`; bias: `[out]`.
/// - input: a vector of `in` values (any shape with that many elements, flattened row-major); output `[out]`.
///
/// Weights that half precision holds exactly (those of an F16 model file) are kept in it and widened as they are
/// read: the same products at half the memory. The style model's `fc` is the largest layer of all (16 MiB of F32
/// at ngf 32, 64 MiB at ngf 64), and its one matrix-vector product a pass reads each weight once.
public struct Linear: Sendable {
    /// `[out, in]`.
    public let weightShape: [Int]
    public let bias: Tensor
    /// The weight matrix, row-major, in IEEE half precision where it holds the values exactly (then `singles` is nil),
    /// else in float32 (`singles`). Two optionals, not an enum of the two: a multi-payload enum keeps its case in
    /// spare bits of the pointers, which hides the buffers from LeakSanitizer's scan at exit (reported as leaks).
    let halves: [UInt16]?
    let singles: [Float]?

    public init(weight: Tensor, bias: Tensor) {
        precondition(
            weight.shape.count == 2 && bias.shape == [weight.shape[0]], "linear needs weight [out, in] and bias [out]")
        weightShape = weight.shape
        self.bias = bias
        var halves = [UInt16](repeating: 0, count: weight.count)
        let exact = weight.data.withUnsafeBufferPointer { values in
            halves.withUnsafeMutableBufferPointer { halves in
                chalf_pack_exact(values.baseAddress!, halves.baseAddress!, values.count) == values.count
            }
        }
        (self.halves, singles) = exact ? (halves, nil) : (nil, weight.data)
    }

    public var inputFeatures: Int { weightShape[1] }
    public var outputFeatures: Int { weightShape[0] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.count == inputFeatures, "linear expects \(inputFeatures) inputs, got \(x.count)")
        var y = bias
        x.data.withUnsafeBufferPointer { input in
            y.data.withUnsafeMutableBufferPointer { out in
                let (x, y) = (input.baseAddress!, out.baseAddress!)
                if let halves {
                    halves.withUnsafeBufferPointer { a in
                        MatrixProduct.forEachRowPiece(m: outputFeatures, k: inputFeatures) { rows in
                            chalf_gemv_accumulate(
                                a.baseAddress! + rows.lowerBound * inputFeatures, rows.count, inputFeatures, x,
                                y + rows.lowerBound)
                        }
                    }
                } else {
                    singles!.withUnsafeBufferPointer { a in
                        MatrixProduct.accumulate(m: outputFeatures, k: inputFeatures, a: a.baseAddress!, x: x, y: y)
                    }
                }
            }
        }
        return y
    }
}
