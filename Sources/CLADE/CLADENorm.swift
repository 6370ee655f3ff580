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
            precondition(weight.shape == [1, 2, 1, 1] && bias.shape == [1], "dist_conv must be [1, 2, 1, 1] with bias [1]")
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
            precondition(weight.shape == [1, 1, 1, 1] && bias.shape == [1], "inst_conv must be [1, 1, 1, 1] with bias [1]")
            (self.weight, self.bias) = (weight.data[0], bias.data[0])
        }
    }

    public let paramFreeNorm: ParamFreeNorm
    public let classCount: Int
    public let channels: Int
    /// gamma and beta banks transposed to `[C, classes]`, so a channel's row of the bank is contiguous.
    private let gammaByChannel: [Float]
    private let betaByChannel: [Float]
    /// ICPE: `dist_conv_w` and `dist_conv_b`, or nil without ICPE.
    public let distanceConvs: (gamma: DistanceConv, beta: DistanceConv)?
    /// `inst_conv`, or nil without instance edges.
    public let edgeConv: EdgeConv?

    /// - gamma, beta: the class bank `[classes, C]`.
    public init(paramFreeNorm: ParamFreeNorm, gamma: Tensor, beta: Tensor,
                distanceConvs: (gamma: DistanceConv, beta: DistanceConv)? = nil, edgeConv: EdgeConv? = nil) {
        precondition(gamma.shape.count == 2 && gamma.shape == beta.shape, "class banks must both be [classes, C]")
        let (classes, channels) = (gamma.shape[0], gamma.shape[1])
        func transposed(_ bank: Tensor) -> [Float] {
            var out = [Float](repeating: 0, count: bank.count)
            for k in 0..<classes { for c in 0..<channels { out[c * classes + k] = bank.data[k * channels + c] } }
            return out
        }
        self.paramFreeNorm = paramFreeNorm
        self.classCount = classes
        self.channels = channels
        self.gammaByChannel = transposed(gamma)
        self.betaByChannel = transposed(beta)
        self.distanceConvs = distanceConvs
        self.edgeConv = edgeConv
    }

    /// Output channels: C, plus the edge channel with instance edges.
    public var outputChannels: Int { channels + (edgeConv == nil ? 0 : 1) }

    /// Normalises and modulates `x` `[C, H, W]` with `maps` at the same size; returns `[C (+1), H, W]`.
    /// A model with ICPE given maps without distances uses a zero distance map.
    public func callAsFunction(_ x: Tensor, _ maps: SemanticMaps) -> Tensor {
        precondition(x.channels == channels && x.height == maps.height && x.width == maps.width,
                     "CLADE norm of \(channels) channels got \(x.shape) and maps \(maps.height)x\(maps.width)")
        let pixels = maps.height * maps.width
        let (scale, shift) = paramFreeNorm.affine(for: x)
        var out = Tensor(zeros: [outputChannels, maps.height, maps.width])

        // ICPE factors, one per pixel and shared by all channels: (1 + dist_conv_w(P)), (1 + dist_conv_b(P)).
        var gammaFactor: [Float] = []
        var betaFactor: [Float] = []
        if let (convW, convB) = distanceConvs {
            let p = maps.distances ?? [Float](repeating: 0, count: 2 * pixels)
            gammaFactor = (0..<pixels).map { 1 + convW(p[$0], p[pixels + $0]) }
            betaFactor = (0..<pixels).map { 1 + convB(p[$0], p[pixels + $0]) }
        }

        // Raw pointers keep the per-pixel gather free of bounds checks; the closures are nested without indenting.
        x.data.withUnsafeBufferPointer { input in
        out.data.withUnsafeMutableBufferPointer { output in
        maps.classes.withUnsafeBufferPointer { classes in
        gammaByChannel.withUnsafeBufferPointer { gammaBank in
        betaByChannel.withUnsafeBufferPointer { betaBank in
        gammaFactor.withUnsafeBufferPointer { gammaFactor in
        betaFactor.withUnsafeBufferPointer { betaFactor in
            for c in 0..<channels {
                let source = input.baseAddress! + c * pixels
                let target = output.baseAddress! + c * pixels
                let gammaRow = gammaBank.baseAddress! + c * classCount
                let betaRow = betaBank.baseAddress! + c * classCount
                let (a, b) = (scale[c], shift[c])
                if distanceConvs == nil {
                    for i in 0..<pixels {
                        let k = Int(classes[i])
                        target[i] = (source[i] * a + b) * gammaRow[k] + betaRow[k]
                    }
                } else {
                    for i in 0..<pixels {
                        let k = Int(classes[i])
                        target[i] = (source[i] * a + b) * (gammaRow[k] * gammaFactor[i]) + betaRow[k] * betaFactor[i]
                    }
                }
            }
            if let edgeConv {
                guard let edges = maps.edges else { preconditionFailure("CLADE norm with inst_conv needs an edge map") }
                let target = output.baseAddress! + channels * pixels
                for i in 0..<pixels { target[i] = edgeConv.weight * edges[i] + edgeConv.bias }
            }
        }}}}}}}
        return out
    }
}
