/// Parameters and multiply-adds (MACs) of a generator and its style encoder, per block group, counted from
/// the layer shapes that a `ModelConfig` implies (the tensors of `docs/model-format.md`).
///
/// What is counted, as in the CLADE paper's comparison:
/// - parameters: every learned weight and bias (batch-norm running statistics are buffers, not parameters);
/// - MACs: the multiply-adds of convolutions and linear layers, including those inside normalisation layers
///   (SPADE's `mlp_shared`/`mlp_gamma`/`mlp_beta`, ICPE's `dist_conv_w`/`dist_conv_b`, `inst_conv`).
///   Element-wise work (normalising, modulating, activations, upsampling, CLADE's table lookup) is not
///   counted: it is the same order for every variant and small next to the convolutions.
/// One image at the config's output size; the style encoder sees its fixed 256x256 input.
public struct ModelCost: Sendable, Equatable {
    public struct Count: Sendable, Equatable {
        public var parameters: Int
        public var macs: Int

        public init(parameters: Int, macs: Int) {
            self.parameters = parameters
            self.macs = macs
        }

        public static let zero = Count(parameters: 0, macs: 0)

        /// Floating-point operations: one multiply-add is two.
        public var flops: Int { 2 * macs }

        public static func + (a: Count, b: Count) -> Count {
            Count(parameters: a.parameters + b.parameters, macs: a.macs + b.macs)
        }
    }

    /// One block group: `fc` (the head's input layer), a residual block (`head_0`, `G_middle_0`, ... `up_4`),
    /// `conv_img`, or `encoder` (the whole style encoder).
    public struct Group: Sendable, Equatable {
        public var name: String
        /// The convolutions and linear layers of the main path.
        public var layers: Count
        /// The normalisation layers' own parameters and MACs.
        public var normalization: Count

        public var total: Count { layers + normalization }
    }

    /// In network order; the encoder last when the model has one.
    public let groups: [Group]

    /// The cost of the model `config` describes, block norms as the config gives them.
    /// - Precondition: `config.blockNorms` has one entry per block and the size divides by `2^n`.
    public init(config: ModelConfig) {
        precondition(config.blockNorms.count == config.blockNames.count,
                     "block_norms has \(config.blockNorms.count) entries for \(config.blockNames.count) blocks")
        precondition(config.headWidth << config.upsamplingCount == config.width
                     && config.headHeight << config.upsamplingCount == config.height
                     && config.headWidth > 0 && config.headHeight > 0,
                     "\(config.width)x\(config.height) does not divide by 2^\(config.upsamplingCount)")
        groups = Self.generatorGroups(config) + (config.useVAE ? [Self.encoderGroup(config)] : [])
    }

    /// The cost of the same layout with every block normalised by `normalization`: the paper's SPADE / CLADE comparison.
    public init(config: ModelConfig, normalization: ModelConfig.Normalization) {
        var layout = config
        layout.blockNorms = Array(repeating: normalization, count: config.blockNames.count)
        layout.architecture = normalization == .clade ? .clade : .spade
        self.init(config: layout)
    }

    /// Everything but the style encoder.
    public var generator: Count {
        groups.filter { $0.name != Self.encoderName }.reduce(.zero) { $0 + $1.total }
    }

    /// The style encoder, nil when the model has none.
    public var encoder: Count? {
        groups.first { $0.name == Self.encoderName }?.total
    }

    public var total: Count { groups.reduce(.zero) { $0 + $1.total } }

    public static let encoderName = "encoder"

    /// A convolution `[out, in, k, k]` producing an `height x width` map.
    private static func conv(_ inputs: Int, _ outputs: Int, kernel: Int, bias: Bool = true, height: Int, width: Int) -> Count {
        let weights = outputs * inputs * kernel * kernel
        return Count(parameters: weights + (bias ? outputs : 0), macs: weights * height * width)
    }

    /// A linear layer `[out, in]` with bias.
    private static func linear(_ inputs: Int, _ outputs: Int) -> Count {
        Count(parameters: outputs * inputs + outputs, macs: outputs * inputs)
    }

    /// One normalisation layer over `channels` features of `height x width`.
    private static func norm(_ kind: ModelConfig.Normalization, channels: Int, config: ModelConfig, height: Int, width: Int) -> Count {
        switch kind {
        case .spade:
            let hidden = 128
            return conv(config.semanticNC, hidden, kernel: 3, height: height, width: width)
                + conv(hidden, channels, kernel: 3, height: height, width: width)
                + conv(hidden, channels, kernel: 3, height: height, width: width)
        case .clade:
            var count = Count(parameters: 2 * config.classCount * channels, macs: 0)
            if config.useICPE {
                count = count + conv(2, 1, kernel: 1, height: height, width: width) + conv(2, 1, kernel: 1, height: height, width: width)
            }
            if config.useInstanceEdges {
                count = count + conv(1, 1, kernel: 1, height: height, width: width)
            }
            return count
        }
    }

    private static func generatorGroups(_ config: ModelConfig) -> [Group] {
        let ngf = config.ngf
        var height = config.headHeight, width = config.headWidth
        var groups: [Group] = []

        let fc = config.useVAE
            ? linear(config.zDim, 16 * ngf * height * width)
            : conv(config.semanticNC, 16 * ngf, kernel: 3, height: height, width: width)
        groups.append(Group(name: "fc", layers: fc, normalization: .zero))

        let inputs = [16, 16, 16, 16, 8, 4, 2, 1].map { $0 * ngf }
        let outputs = [16, 16, 16, 8, 4, 2, 1].map { $0 * ngf } + [ngf / 2]
        for (index, name) in config.blockNames.enumerated() {
            // A x2 upsampling precedes every block but head_0, and G_middle_1 only for "more" and "most".
            if index == 1 || index >= 3 || (index == 2 && config.upsamplingCount > 5) {
                height *= 2
                width *= 2
            }
            let kind = config.blockNorms[index]
            let fin = inputs[index], fout = outputs[index], fmiddle = min(fin, fout)
            // CLADE concatenates the instance-edge channel to the modulated features.
            let edge = config.useInstanceEdges && kind == .clade ? 1 : 0
            var layers = conv(fin + edge, fmiddle, kernel: 3, height: height, width: width)
                + conv(fmiddle + edge, fout, kernel: 3, height: height, width: width)
            var normalization = norm(kind, channels: fin, config: config, height: height, width: width)
                + norm(kind, channels: fmiddle, config: config, height: height, width: width)
            if fin != fout {
                layers = layers + conv(fin + edge, fout, kernel: 1, bias: false, height: height, width: width)
                normalization = normalization + norm(kind, channels: fin, config: config, height: height, width: width)
            }
            groups.append(Group(name: name, layers: layers, normalization: normalization))
        }

        let finalChannels = outputs[config.blockNames.count - 1]
        groups.append(Group(name: "conv_img", layers: conv(finalChannels, 3, kernel: 3, height: height, width: width), normalization: .zero))
        return groups
    }

    /// Six 3x3 stride-2 convolutions without bias (instance norm without affine after each) from a 256x256
    /// input down to 4x4, then `fc_mu` and `fc_var`.
    private static func encoderGroup(_ config: ModelConfig) -> Group {
        let ndf = config.ngf
        let channels = [3, ndf, 2 * ndf, 4 * ndf, 8 * ndf, 8 * ndf, 8 * ndf]
        var size = 256
        var layers = Count.zero
        for index in 0 ..< 6 {
            size /= 2
            layers = layers + conv(channels[index], channels[index + 1], kernel: 3, bias: false, height: size, width: size)
        }
        layers = layers + linear(8 * ndf * size * size, config.zDim) + linear(8 * ndf * size * size, config.zDim)
        return Group(name: encoderName, layers: layers, normalization: .zero)
    }
}
