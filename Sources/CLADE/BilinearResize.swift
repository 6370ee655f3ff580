/// Bilinear resizing of a `[C, H, W]` tensor to `[C, height, width]`, exactly as PyTorch's
/// `F.interpolate(mode='bilinear', align_corners=False)` without antialiasing:
/// source coordinate `max((dst + 0.5) * in / out - 0.5, 0)` in float32, neighbours `floor` and `floor + 1`
/// (clamped to the last row / column), weights `1 - frac` and `frac`.
public func resizeBilinear(_ x: Tensor, height: Int, width: Int) -> Tensor {
    let (channels, inH, inW) = (x.channels, x.height, x.width)
    if inH == height && inW == width { return x }

    /// Per output index: the two source indices and their weights.
    func taps(input: Int, output: Int) -> [(Int, Int, Float, Float)] {
        let scale = Float(input) / Float(output)
        return (0 ..< output).map { dst in
            let source = max(scale * (Float(dst) + 0.5) - 0.5, 0)
            let low = min(Int(source), input - 1)
            let high = low < input - 1 ? low + 1 : low
            let frac = source - Float(low)
            return (low, high, 1 - frac, frac)
        }
    }
    let rows = taps(input: inH, output: height)
    let cols = taps(input: inW, output: width)
    var out = Tensor(zeros: [channels, height, width])
    x.data.withUnsafeBufferPointer { src in
        out.data.withUnsafeMutableBufferPointer { dst in
            for c in 0 ..< channels {
                let plane = src.baseAddress! + c * inH * inW
                for (y, (y0, y1, wy0, wy1)) in rows.enumerated() {
                    let line = dst.baseAddress! + (c * height + y) * width
                    for (xi, (x0, x1, wx0, wx1)) in cols.enumerated() {
                        line[xi] =
                            wy0 * (wx0 * plane[y0 * inW + x0] + wx1 * plane[y0 * inW + x1])
                            + wy1 * (wx0 * plane[y1 * inW + x0] + wx1 * plane[y1 * inW + x1])
                    }
                }
            }
        }
    }
    return out
}
