/// The residual block of the SPADE / CLADE generator (PyTorch `SPADEResnetBlock`):
///
///     dx  = conv_1(lrelu(norm_1(conv_0(lrelu(norm_0(x))))))
///     x_s = conv_s(norm_s(x))      when fin != fout (learned shortcut), else x
///     out = x_s + dx
///
/// Shapes: x `[fin, H, W]` -> out `[fout, H, W]`, `fmiddle = min(fin, fout)`. conv_0, conv_1 are 3x3 with padding 1
/// and bias; conv_s is 1x1 without bias. A CLADE norm with instance edges appends the edge channel, so the convs
/// after it take one more input channel. LeakyReLU slope 0.2.
public struct ResnetBlock: Sendable {
    /// The conditional normalisation of a block: CLADE or SPADE.
    public enum Norm: Sendable {
        case clade(CLADENorm)
        case spade(SPADENorm)

        func callAsFunction(_ x: Tensor, _ maps: SemanticMaps, workspace: Workspace) -> Tensor {
            self(x, maps, upsampled: false, leakySlope: nil, workspace: workspace)
        }

        /// The norm of `x` (nearest x2 upsampled first when `upsampled`), then LeakyReLU when `leakySlope` is
        /// given. CLADE does all three in one pass; SPADE upsamples first and applies the activation after.
        func callAsFunction(
            _ x: Tensor, _ maps: SemanticMaps, upsampled: Bool, leakySlope: Float?, workspace: Workspace
        ) -> Tensor {
            switch self {
            case .clade(let norm):
                return norm(x, maps, upsampled: upsampled, leakySlope: leakySlope)
            case .spade(let norm):
                var out = norm(upsampled ? upsampleNearest2x(x) : x, maps, workspace: workspace)
                if let leakySlope { leakyReLU(&out, slope: leakySlope) }
                return out
            }
        }

        /// The same output for a convolution to read: a CLADE norm's is made as the convolution reads it.
        func features(
            _ x: Tensor, _ maps: SemanticMaps, upsampled: Bool, leakySlope: Float?, workspace: Workspace
        ) -> Conv2d.Input {
            switch self {
            case .clade(let norm): .modulated(norm.modulated(x, maps, upsampled: upsampled, leakySlope: leakySlope))
            case .spade: .stored(self(x, maps, upsampled: upsampled, leakySlope: leakySlope, workspace: workspace))
            }
        }
    }

    public let norm0: Norm
    public let conv0: Conv2d
    public let norm1: Norm
    public let conv1: Conv2d
    /// The learned shortcut (norm_s, conv_s), or nil when the block keeps its width.
    public let shortcut: (norm: Norm, conv: Conv2d)?

    public init(norm0: Norm, conv0: Conv2d, norm1: Norm, conv1: Conv2d, shortcut: (norm: Norm, conv: Conv2d)?) {
        self.norm0 = norm0
        self.conv0 = conv0
        self.norm1 = norm1
        self.conv1 = conv1
        self.shortcut = shortcut
    }

    /// Block `name` of `model` (weights `name.conv_0.weight` ...; see docs/model-format.md), whose maps have
    /// `mapPixels` pixels at the model's size. Takes the block's weights out of `model` as it builds: each
    /// convolution's as soon as it holds them in its own form, so that a model's F32 weights and its Winograd forms
    /// are never all in memory at once.
    init(model: inout ModelFile, layout: ModelConfig.BlockLayout, mapPixels: Int) {
        func conv(_ path: String, padding: Int, bias: Bool = true) -> Conv2d {
            let conv = Conv2d(
                weight: model["\(path).weight"], bias: bias ? model["\(path).bias"] : nil, padding: padding,
                mapPixels: mapPixels)
            model.removeWeights(prefix: path + ".")
            return conv
        }
        func norm(_ path: String) -> Norm {
            let config = model.config
            let paramFree =
                config.paramFreeNorm == .batch
                ? ParamFreeNorm(
                    runningMean: model["\(path).param_free_norm.running_mean"],
                    runningVar: model["\(path).param_free_norm.running_var"])
                : .instance
            switch layout.norm {
            case .clade:
                let affine = "\(path).class_specified_affine"
                let distanceConvs =
                    config.useICPE
                    ? (
                        CLADENorm.DistanceConv(
                            weight: model["\(affine).dist_conv_w.weight"], bias: model["\(affine).dist_conv_w.bias"]),
                        CLADENorm.DistanceConv(
                            weight: model["\(affine).dist_conv_b.weight"], bias: model["\(affine).dist_conv_b.bias"])
                    )
                    : nil
                let edgeConv =
                    config.useInstanceEdges
                    ? CLADENorm.EdgeConv(
                        weight: model["\(path).inst_conv.weight"], bias: model["\(path).inst_conv.bias"])
                    : nil
                return .clade(
                    CLADENorm(
                        paramFreeNorm: paramFree, gamma: model["\(affine).weight"], beta: model["\(affine).bias"],
                        distanceConvs: distanceConvs, edgeConv: edgeConv))
            case .spade:
                return .spade(
                    SPADENorm(
                        paramFreeNorm: paramFree, shared: conv("\(path).mlp_shared.0", padding: 1),
                        gamma: conv("\(path).mlp_gamma", padding: 1), beta: conv("\(path).mlp_beta", padding: 1)))
            }
        }
        let b = layout.name
        self.init(
            norm0: norm("\(b).norm_0"), conv0: conv("\(b).conv_0", padding: 1),
            norm1: norm("\(b).norm_1"), conv1: conv("\(b).conv_1", padding: 1),
            shortcut: layout.learnedShortcut ? (norm("\(b).norm_s"), conv("\(b).conv_s", padding: 0, bias: false)) : nil
        )
        model.removeWeights(prefix: b + ".")
    }

    public var outputChannels: Int { conv1.outputChannels }

    /// `x` `[fin, H, W]` with `maps` at `H x W` -> `[fout, H, W]`.
    public func callAsFunction(_ x: Tensor, _ maps: SemanticMaps, workspace: Workspace? = nil) -> Tensor {
        self(x, maps, upsampled: false, workspace: workspace ?? Workspace(), checkpoint: {})
    }

    /// The block applied to `x` nearest x2 upsampled when `upsampled` (`x` `[fin, H/2, W/2]`, `maps` at `H x W`),
    /// else to `x` `[fin, H, W]`. The norms read `x` through the upsampling, so the upsampled map is only stored
    /// where the block needs it as its residual (no learned shortcut).
    /// - checkpoint: called after the shortcut and after conv_0; what it throws ends the block (a render that a newer
    ///   request replaced stops within a third of a block instead of at the block's end).
    func callAsFunction(
        _ x: Tensor, _ maps: SemanticMaps, upsampled: Bool, workspace: Workspace,
        checkpoint: () throws -> Void
    ) rethrows -> Tensor {
        // The shortcut is written first; conv_1 then adds the main branch onto it.
        var out =
            if let shortcut {
                shortcut.conv(
                    shortcut.norm.features(x, maps, upsampled: upsampled, leakySlope: nil, workspace: workspace),
                    workspace: workspace)
            } else {
                upsampled ? upsampleNearest2x(x) : x
            }
        try checkpoint()
        let h = conv0(
            norm0.features(x, maps, upsampled: upsampled, leakySlope: Self.leakySlope, workspace: workspace),
            workspace: workspace)
        try checkpoint()
        conv1.accumulate(
            norm1.features(h, maps, upsampled: false, leakySlope: Self.leakySlope, workspace: workspace), into: &out,
            workspace: workspace)
        return out
    }

    /// LeakyReLU slope of SPADE / CLADE.
    static let leakySlope: Float = 0.2
}
