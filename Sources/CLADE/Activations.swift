import Foundation

/// The element-wise activations and the nearest x2 upsampling of the generator, on `[C, H, W]` feature maps.

/// LeakyReLU in place: `x < 0 ? slope * x : x` for `0 <= slope < 1` (0.2 everywhere in SPADE / CLADE).
public func leakyReLU(_ x: inout Tensor, slope: Float = 0.2) {
    let count = x.count
    x.data.withUnsafeMutableBufferPointer { v in
        let v = v.baseAddress!
        // max(x, slope * x) equals the definition for slope < 1 and has no branch, so it vectorises.
        Parallel.forEach(count, grain: Conv2d.elementGrain) { range in
            for i in range { v[i] = max(v[i], v[i] * slope) }
        }
    }
}

/// ReLU in place.
public func relu(_ x: inout Tensor) {
    x.data.withUnsafeMutableBufferPointer { v in
        for i in v.indices { v[i] = max(v[i], 0) }
    }
}

/// tanh in place.
public func tanh(_ x: inout Tensor) {
    let count = x.count
    x.data.withUnsafeMutableBufferPointer { v in
        let v = v.baseAddress!
        Parallel.forEach(count, grain: Conv2d.elementGrain / 16) { range in
            for i in range { v[i] = Foundation.tanh(v[i]) }
        }
    }
}

/// Nearest-neighbour x2 upsampling: `[C, H, W] -> [C, 2H, 2W]`, each value copied to a 2x2 square
/// (PyTorch `F.interpolate(scale_factor=2, mode='nearest')`).
public func upsampleNearest2x(_ x: Tensor) -> Tensor {
    let (c, h, w) = (x.channels, x.height, x.width)
    var out = Tensor(zeros: [c, 2 * h, 2 * w])
    x.data.withUnsafeBufferPointer { src in
        out.data.withUnsafeMutableBufferPointer { dst in
            let (src, dst) = (src.baseAddress!, dst.baseAddress!)
            Parallel.forEach(c * h, grain: max(1, Conv2d.elementGrain / (4 * w))) { rows in
                for row in rows {
                    let source = src + row * w
                    let target = dst + row * 4 * w
                    for col in 0 ..< w {
                        let value = source[col]
                        target[2 * col] = value
                        target[2 * col + 1] = value
                    }
                    (target + 2 * w).update(from: target, count: 2 * w)
                }
            }
        }
    }
    return out
}
