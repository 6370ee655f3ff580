/// Area averaging of a `[C, H, W]` tensor by `factor` in both directions, to `[C, H / factor, W / factor]`, as
/// PyTorch's `F.avg_pool2d(x, factor)`: each output value is the mean of its `factor x factor` window (summed row
/// by row, then divided by `factor * factor`). H and W must be multiples of `factor`.
public func averagePool(_ x: Tensor, by factor: Int) -> Tensor {
    precondition(factor >= 1 && x.height % factor == 0 && x.width % factor == 0, "averagePool: \(x.shape) by \(factor)")
    if factor == 1 { return x }
    let (channels, inH, inW) = (x.channels, x.height, x.width)
    let (height, width) = (inH / factor, inW / factor)
    let area = Float(factor * factor)
    var out = Tensor(zeros: [channels, height, width])
    x.data.withUnsafeBufferPointer { src in
        out.data.withUnsafeMutableBufferPointer { dst in
            for c in 0 ..< channels {
                for y in 0 ..< height {
                    for xi in 0 ..< width {
                        var sum: Float = 0
                        for dy in 0 ..< factor {
                            let row = (c * inH + y * factor + dy) * inW + xi * factor
                            for dx in 0 ..< factor { sum += src[row + dx] }
                        }
                        dst[(c * height + y) * width + xi] = sum / area
                    }
                }
            }
        }
    }
    return out
}
