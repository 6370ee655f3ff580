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
    let scaleBank: [Float]
    let shiftBank: [Float]
    let betaBank: [Float]
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
    func callAsFunction(_ x: Tensor, _ maps: SemanticMaps, upsampled: Bool, leakySlope: Float?) -> Tensor {
        modulated(x, maps, upsampled: upsampled, leakySlope: leakySlope).stored()
    }

    /// The same output, not computed yet: a convolution after the norm computes the rows it reads as it reads them.
    func modulated(_ x: Tensor, _ maps: SemanticMaps, upsampled: Bool, leakySlope: Float?) -> ModulatedFeatures {
        ModulatedFeatures(norm: self, source: x, maps: maps, upsampled: upsampled, leakySlope: leakySlope)
    }
}
