@testable import CLADE

/// Deterministic test data.
struct TestRandom {
    var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func uniform(_ range: ClosedRange<Float> = -1 ... 1) -> Float {
        range.lowerBound + Float(generator.nextUniform()) * (range.upperBound - range.lowerBound)
    }

    mutating func tensor(_ shape: [Int], _ range: ClosedRange<Float> = -1 ... 1) -> Tensor {
        Tensor(shape: shape, data: (0 ..< shape.reduce(1, *)).map { _ in uniform(range) })
    }

    mutating func classes(count: Int, pixels: Int) -> [Int32] {
        (0 ..< pixels).map { _ in Int32(generator.next() % UInt64(count)) }
    }
}

/// Direct (seven-loop) convolution in double: the definition Conv2d must agree with.
func referenceConv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) -> Tensor {
    let (outC, inC, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
    let (h, w) = (x.height, x.width)
    let outH = (h + 2 * padding - kh) / stride + 1
    let outW = (w + 2 * padding - kw) / stride + 1
    var out = Tensor(zeros: [outC, outH, outW])
    for o in 0 ..< outC {
        for y in 0 ..< outH {
            for xo in 0 ..< outW {
                var sum = Double(bias?.data[o] ?? 0)
                for c in 0 ..< inC {
                    for ky in 0 ..< kh {
                        let iy = y * stride - padding + ky
                        guard iy >= 0 && iy < h else { continue }
                        for kx in 0 ..< kw {
                            let ix = xo * stride - padding + kx
                            guard ix >= 0 && ix < w else { continue }
                            sum +=
                                Double(x.data[(c * h + iy) * w + ix])
                                * Double(weight.data[((o * inC + c) * kh + ky) * kw + kx])
                        }
                    }
                }
                out.data[(o * outH + y) * outW + xo] = Float(sum)
            }
        }
    }
    return out
}

/// Per-channel (mean, biased variance) in double of a `[C, H, W]` tensor.
func channelStatistics(_ x: Tensor) -> [(mean: Double, variance: Double)] {
    let pixels = x.height * x.width
    return (0 ..< x.channels).map { c in
        let plane = x.data[c * pixels ..< (c + 1) * pixels].map(Double.init)
        let mean = plane.reduce(0, +) / Double(pixels)
        return (mean, plane.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(pixels))
    }
}
