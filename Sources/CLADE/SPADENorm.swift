/// Spatially-adaptive normalisation (SPADE), the baseline CLADE replaces:
///
///     xhat  = param_free_norm(x)
///     act   = relu(mlp_shared(segmap))          Conv2d(semantic_nc, 128, 3, pad 1)
///     gamma = mlp_gamma(act), beta = mlp_beta(act)   Conv2d(128, C, 3, pad 1)
///     out   = xhat * (1 + gamma) + beta         [C, H, W]
///
/// `segmap` is the one-hot class map `[classes, H, W]` nearest-resized to the feature size, with the edge channel
/// appended when the model has instance edges (`[classes + 1, H, W]`).
public struct SPADENorm: Sendable {
    /// Width of the shared hidden layer, fixed in SPADE.
    public static let hiddenChannels = 128

    public let paramFreeNorm: ParamFreeNorm
    public let shared: Conv2d
    public let gamma: Conv2d
    public let beta: Conv2d

    public init(paramFreeNorm: ParamFreeNorm, shared: Conv2d, gamma: Conv2d, beta: Conv2d) {
        precondition(gamma.inputChannels == shared.outputChannels && beta.inputChannels == shared.outputChannels)
        self.paramFreeNorm = paramFreeNorm
        self.shared = shared
        self.gamma = gamma
        self.beta = beta
    }

    public var channels: Int { gamma.outputChannels }

    /// Normalises and modulates `x` `[C, H, W]` with `maps` at the same size; returns `[C, H, W]`.
    public func callAsFunction(_ x: Tensor, _ maps: SemanticMaps, workspace: Workspace? = nil) -> Tensor {
        precondition(
            x.channels == channels && x.height == maps.height && x.width == maps.width,
            "SPADE norm of \(channels) channels got \(x.shape) and maps \(maps.height)x\(maps.width)")
        var hidden = shared(maps.oneHot(), workspace: workspace)
        relu(&hidden)
        let gammaMap = gamma(hidden, workspace: workspace)
        let betaMap = beta(hidden, workspace: workspace)
        let (scale, shift) = paramFreeNorm.affine(for: x)
        let pixels = x.height * x.width
        var out = x
        out.data.withUnsafeMutableBufferPointer { v in
            gammaMap.data.withUnsafeBufferPointer { gammaMap in
                betaMap.data.withUnsafeBufferPointer { betaMap in
                    let (v, gammaMap, betaMap) = (v.baseAddress!, gammaMap.baseAddress!, betaMap.baseAddress!)
                    Parallel.forEach(channels, grain: max(1, Conv2d.elementGrain / pixels)) { range in
                        for c in range {
                            let (a, b) = (scale[c], shift[c])
                            for i in c * pixels ..< (c + 1) * pixels {
                                v[i] = (v[i] * a + b) * (1 + gammaMap[i]) + betaMap[i]
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
