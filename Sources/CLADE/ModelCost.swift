/// Parameters and multiply-adds (MACs) of a generator and its style encoder, per block group, counted from
/// the layers that a `ModelConfig` implies (`ModelConfig.layerGroups`, the tensors of `docs/model-format.md`).
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

    /// One block group (`LayerGroup`): `fc` (the head's input layer), a residual block (`head_0`, `G_middle_0`, ...
    /// `up_4`), `conv_img`, or `encoder` (the whole style encoder).
    public struct Group: Sendable, Equatable {
        public var name: String
        /// The feature map's width and height (the encoder's: its input's).
        public var width: Int, height: Int
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
        precondition(
            config.blockNorms.count == config.blockNames.count,
            "block_norms has \(config.blockNorms.count) entries for \(config.blockNames.count) blocks")
        precondition(
            config.headWidth << config.upsamplingCount == config.width
                && config.headHeight << config.upsamplingCount == config.height
                && config.headWidth > 0 && config.headHeight > 0,
            "\(config.width)x\(config.height) does not divide by 2^\(config.upsamplingCount)")
        groups = config.layerGroups.map { group in
            Group(
                name: group.name, width: group.width, height: group.height,
                layers: group.layers.reduce(.zero) { $0 + $1.cost },
                normalization: group.normalization.reduce(.zero) { $0 + $1.cost })
        }
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
}
