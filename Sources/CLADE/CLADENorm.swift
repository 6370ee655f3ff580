/// Class-adaptive normalisation (CLADE, PyTorch module `SPADELight`):
///
///     xhat   = param_free_norm(x)
///     gamma' = gamma[class] * (1 + dist_conv_w(P))     (ICPE; without it gamma' = gamma[class])
///     beta'  = beta[class]  * (1 + dist_conv_b(P))
///     out    = xhat * gamma' + beta'                   [C, H, W]
///     out    = cat(out, inst_conv(edge))               [C + 1, H, W] with instance edges
///
/// The class bank (`class_specified_affine.weight` / `.bias`, `[classes, C]`) is indexed by each pixel's class
/// after nearest resizing to the feature size. `dist_conv_w`, `dist_conv_b` (Conv2d 2->1, 1x1) turn the ICPE distance
/// map P `[2, H, W]` into one factor per pixel shared by all channels; `inst_conv` (Conv2d 1->1, 1x1) is a learned
/// scale and shift of the edge map. Normalisation and modulation run in one pass over the features.
public struct CLADENorm: Sendable {
    /// A 1x1 convolution with two inputs and one output: `weight[0] * P[0] + weight[1] * P[1] + bias`.
    public struct DistanceConv: Sendable {
        public let weightH: Float
        public let weightW: Float
        public let bias: Float

        /// From a Conv2d weight `[1, 2, 1, 1]` and bias `[1]`.
        public init(weight: Tensor, bias: Tensor) {
            precondition(
                weight.shape == [1, 2, 1, 1] && bias.shape == [1], "dist_conv must be [1, 2, 1, 1] with bias [1]")
            (weightH, weightW, self.bias) = (weight.data[0], weight.data[1], bias.data[0])
        }

        func callAsFunction(_ h: Float, _ w: Float) -> Float { weightH * h + weightW * w + bias }
    }

    /// A 1x1 convolution with one input and one output: `weight * e + bias`.
    public struct EdgeConv: Sendable {
        public let weight: Float
        public let bias: Float

        /// From a Conv2d weight `[1, 1, 1, 1]` and bias `[1]`.
        public init(weight: Tensor, bias: Tensor) {
            precondition(
                weight.shape == [1, 1, 1, 1] && bias.shape == [1], "inst_conv must be [1, 1, 1, 1] with bias [1]")
            (self.weight, self.bias) = (weight.data[0], bias.data[0])
        }
    }

    public let paramFreeNorm: ParamFreeNorm
    public let classCount: Int
    public let channels: Int
    /// The class banks transposed to `[C, classes]`, so a channel's row is contiguous. With a batch norm its
    /// statistics are folded in at load (`xhat = x * a + b` per channel):
    /// `scaleBank[c, k] = a[c] * gamma[k, c]`, `shiftBank[c, k] = b[c] * gamma[k, c]` (+ `beta[k, c]` without ICPE,
    /// where `betaBank` stays separate because ICPE scales it by its own factor). With instance norm the banks are
    /// gamma and beta as they are and the statistics come per call.
    private let scaleBank: [Float]
    private let shiftBank: [Float]
    private let betaBank: [Float]
    /// ICPE: `dist_conv_w` and `dist_conv_b`, or nil without ICPE.
    public let distanceConvs: (gamma: DistanceConv, beta: DistanceConv)?
    /// `inst_conv`, or nil without instance edges.
    public let edgeConv: EdgeConv?

    /// - gamma, beta: the class bank `[classes, C]`.
    public init(
        paramFreeNorm: ParamFreeNorm, gamma: Tensor, beta: Tensor,
        distanceConvs: (gamma: DistanceConv, beta: DistanceConv)? = nil, edgeConv: EdgeConv? = nil
    ) {
        precondition(gamma.shape.count == 2 && gamma.shape == beta.shape, "class banks must both be [classes, C]")
        let (classes, channels) = (gamma.shape[0], gamma.shape[1])
        func transposed(_ bank: Tensor, _ value: (Int, Float) -> Float = { $1 }) -> [Float] {
            var out = [Float](repeating: 0, count: bank.count)
            for k in 0 ..< classes {
                for c in 0 ..< channels { out[c * classes + k] = value(c, bank.data[k * channels + c]) }
            }
            return out
        }
        self.paramFreeNorm = paramFreeNorm
        self.classCount = classes
        self.channels = channels
        switch paramFreeNorm {
        case .batch(let scale, let shift):
            precondition(scale.count == channels, "norm has \(scale.count) channels, class banks \(channels)")
            scaleBank = transposed(gamma) { scale[$0] * $1 }
            let betaByChannel = transposed(beta)
            let shiftOfGamma = transposed(gamma) { shift[$0] * $1 }
            shiftBank = distanceConvs == nil ? zip(shiftOfGamma, betaByChannel).map { $0 + $1 } : shiftOfGamma
            betaBank = betaByChannel
        case .instance:
            scaleBank = transposed(gamma)
            shiftBank = []
            betaBank = transposed(beta)
        }
        self.distanceConvs = distanceConvs
        self.edgeConv = edgeConv
    }

    /// Output channels: C, plus the edge channel with instance edges.
    public var outputChannels: Int { channels + (edgeConv == nil ? 0 : 1) }

    /// Normalises and modulates `x` `[C, H, W]` with `maps` at the same size; returns `[C (+1), H, W]`.
    /// A model with ICPE given maps without distances uses a zero distance map.
    public func callAsFunction(_ x: Tensor, _ maps: SemanticMaps) -> Tensor {
        callAsFunction(x, maps, upsampled: false, leakySlope: nil)
    }

    /// The norm of `x` upsampled (nearest x2) when `upsampled`, followed by LeakyReLU when `leakySlope` is given,
    /// in one pass: `x` is `[C, H/2, W/2]` (upsampled) or `[C, H, W]`, `maps` at `H x W`; returns `[C (+1), H, W]`.
    /// The upsampled map is never stored: each output pixel reads its source pixel. (Instance statistics of a
    /// nearest x2 upsampling equal those of its source, so they are taken from `x`.)
    func callAsFunction(_ x: Tensor, _ maps: SemanticMaps, upsampled: Bool, leakySlope: Float?) -> Tensor {
        let step = upsampled ? 1 : 0
        precondition(
            x.channels == channels && x.height << step == maps.height && x.width << step == maps.width,
            "CLADE norm of \(channels) channels got \(x.shape) (upsampled: \(upsampled)) and maps \(maps.height)x\(maps.width)"
        )
        let (height, width) = (maps.height, maps.width)
        let pixels = height * width
        let sourceWidth = x.width
        let statistics: (scale: [Float], shift: [Float])? =
            if case .instance = paramFreeNorm { paramFreeNorm.affine(for: x) } else { nil }

        // ICPE factors, one per pixel and shared by all channels: (1 + dist_conv_w(P)), (1 + dist_conv_b(P)).
        var gammaFactor: [Float] = []
        var betaFactor: [Float] = []
        if let (convW, convB) = distanceConvs {
            let p = maps.distances ?? [Float](repeating: 0, count: 2 * pixels)
            gammaFactor = (0 ..< pixels).map { 1 + convW(p[$0], p[pixels + $0]) }
            betaFactor = (0 ..< pixels).map { 1 + convB(p[$0], p[pixels + $0]) }
        }
        // max(v, slope * v) is LeakyReLU for 0 <= slope < 1, and the identity for slope 1.
        let slope = leakySlope ?? 1
        let chunks = maps.classChunks

        // Every output value is written below, so the tensor starts uninitialised. Raw pointers keep the per-pixel
        // gather free of bounds checks; the closures are nested without indenting.
        return Tensor(shape: [outputChannels, height, width]) { output in
            x.data.withUnsafeBufferPointer { input in
                maps.classes.withUnsafeBufferPointer { classes in
                    chunks.classes.withUnsafeBufferPointer { chunkClasses in
                        scaleBank.withUnsafeBufferPointer { scaleBank in
                            shiftBank.withUnsafeBufferPointer { shiftBank in
                                betaBank.withUnsafeBufferPointer { betaBank in
                                    gammaFactor.withUnsafeBufferPointer { gammaFactor in
                                        betaFactor.withUnsafeBufferPointer { betaFactor in
                                            let (input, output, classes) = (
                                                input.baseAddress!, output.baseAddress!, classes.baseAddress!
                                            )
                                            // Nil without ICPE (an empty array's base address need not be nil).
                                            let (gammaFactor, betaFactor) =
                                                distanceConvs == nil
                                                ? (nil, nil) : (gammaFactor.baseAddress, betaFactor.baseAddress)
                                            Parallel.forEach(channels, grain: max(1, Conv2d.elementGrain / pixels)) {
                                                range in
                                                for c in range {
                                                    let source = input + c * x.height * sourceWidth
                                                    let target = output + c * pixels
                                                    let scaleRow = scaleBank.baseAddress! + c * classCount
                                                    let betaRow = betaBank.baseAddress! + c * classCount
                                                    let shiftRow =
                                                        statistics == nil
                                                        ? shiftBank.baseAddress! + c * classCount : nil
                                                    for y in 0 ..< height {
                                                        let line = source + (y >> step) * sourceWidth
                                                        let row = y * width
                                                        // Pixels one by one (where the class changes within a chunk, and with instance statistics).
                                                        func pixels(_ columns: Range<Int>) {
                                                            if let statistics {
                                                                // Instance norm: (x * a + b) * gamma' + beta' with this input's statistics.
                                                                let (a, b) = (statistics.scale[c], statistics.shift[c])
                                                                for i in columns {
                                                                    let p = row + i
                                                                    let k = Int(classes[p])
                                                                    let (g, e) =
                                                                        distanceConvs == nil
                                                                        ? (scaleRow[k], betaRow[k])
                                                                        : (
                                                                            scaleRow[k] * gammaFactor![p],
                                                                            betaRow[k] * betaFactor![p]
                                                                        )
                                                                    let v = (line[i >> step] * a + b) * g + e
                                                                    target[p] = max(v, v * slope)
                                                                }
                                                            } else if let gammaFactor, let betaFactor {
                                                                // (x * a + b) * gamma[k] * fg + beta[k] * fb = (x * scale[k] + shift[k]) * fg + beta[k] * fb.
                                                                for i in columns {
                                                                    let p = row + i
                                                                    let k = Int(classes[p])
                                                                    let v =
                                                                        (line[i >> step] * scaleRow[k] + shiftRow![k])
                                                                        * gammaFactor[p] + betaRow[k] * betaFactor[p]
                                                                    target[p] = max(v, v * slope)
                                                                }
                                                            } else {
                                                                // Batch norm folded into the banks: x * scale[k] + shift[k].
                                                                for i in columns {
                                                                    let p = row + i
                                                                    let k = Int(classes[p])
                                                                    let v = line[i >> step] * scaleRow[k] + shiftRow![k]
                                                                    target[p] = max(v, v * slope)
                                                                }
                                                            }
                                                        }
                                                        guard statistics == nil else {
                                                            pixels(0 ..< width)
                                                            continue
                                                        }
                                                        // Chunks of one class: the same arithmetic on 8 pixels at once, with the bank values broadcast.
                                                        for chunk in 0 ..< chunks.chunksPerRow {
                                                            let i = chunk * ClassChunks.size
                                                            let k = Int(chunkClasses[y * chunks.chunksPerRow + chunk])
                                                            guard k >= 0 else {
                                                                pixels(i ..< i + ClassChunks.size)
                                                                continue
                                                            }
                                                            let p = row + i
                                                            let value =
                                                                step == 0
                                                                ? SIMD8<Float>.load(line + i)
                                                                : SIMD8<Float>.doubling(line + (i >> 1))
                                                            var v = value * scaleRow[k] + shiftRow![k]
                                                            if let gammaFactor, let betaFactor {
                                                                v =
                                                                    v * SIMD8<Float>.load(gammaFactor + p) + betaRow[k]
                                                                    * SIMD8<Float>.load(betaFactor + p)
                                                            }
                                                            // max(v, v * slope) as a blend: the generic pointwiseMax runs lane by lane.
                                                            let scaled = v * slope
                                                            v.replace(with: scaled, where: scaled .> v)
                                                            v.store(at: target + p)
                                                        }
                                                        pixels(chunks.chunksPerRow * ClassChunks.size ..< width)
                                                    }
                                                }
                                            }
                                            if let edgeConv {
                                                guard let edges = maps.edges else {
                                                    preconditionFailure("CLADE norm with inst_conv needs an edge map")
                                                }
                                                let target = output + channels * pixels
                                                for i in 0 ..< pixels {
                                                    let v = edgeConv.weight * edges[i] + edgeConv.bias
                                                    target[i] = max(v, v * slope)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
