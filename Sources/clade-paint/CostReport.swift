import CLADE

/// Parameters and FLOPs of a model per block group, for the model as it is and for the same layout with every
/// block normalised by SPADE and by CLADE (`ModelCost`): the CLADE paper's comparison, from the actual layer shapes.
///
/// The paper states the normalisation's cost as an overhead on top of the base generator (its convolutions and
/// linear layers): for ADE20K, CLADE adds 4.57 % parameters and 0.07 % computation, SPADE 39.21 % and 234.73 %.
/// From the layer shapes the base is smaller (68.1 M parameters, 42.2 G multiply-adds), so the same layers give
/// +4.85 % and +41.65 % parameters; the ratio of the two normalisations (8.58) is the paper's.
struct CostReport: Encodable {
    struct Amount: Encodable, Equatable {
        var parameters: Int
        var macs: Int
        var flops: Int

        init(_ count: ModelCost.Count) {
            parameters = count.parameters
            macs = count.macs
            flops = count.flops
        }
    }

    /// Relative sizes, as fractions (0.0457 is 4.57 %).
    struct Ratio: Encodable, Equatable {
        var parameters: Double
        var flops: Double

        init(_ numerator: ModelCost.Count, over denominator: ModelCost.Count) {
            parameters = Double(numerator.parameters) / Double(max(denominator.parameters, 1))
            flops = Double(numerator.macs) / Double(max(denominator.macs, 1))
        }
    }

    struct Group: Encodable, Equatable {
        var name: String
        /// The feature size the group computes at, `WxH` (the encoder: its input size).
        var size: String
        /// Convolutions and linear layers of the main path.
        var layers: Amount
        /// The normalisation layers' own parameters and work.
        var normalization: Amount
        var total: Amount
    }

    struct Variant: Encodable, Equatable {
        /// `model` (the file's own block norms), `spade` or `clade`.
        var name: String
        var blockNorms: [String]
        var groups: [Group]
        var generator: Amount
        /// The generator's normalisation layers alone.
        var generatorNormalization: Amount
        /// What the normalisation adds on top of the base generator: normalisation / (generator - normalisation).
        var normalizationOverhead: Ratio
        var encoder: Amount?
        var total: Amount

        enum CodingKeys: String, CodingKey {
            case name
            case blockNorms = "block_norms"
            case groups, generator
            case generatorNormalization = "generator_normalization"
            case normalizationOverhead = "normalization_overhead"
            case encoder, total
        }
    }

    var model: String
    var config: ModelConfig
    /// The model as it is, then all-SPADE, then all-CLADE.
    var variants: [Variant]
    /// The all-CLADE generator relative to the all-SPADE one.
    var cladeOverSpade: Ratio

    enum CodingKeys: String, CodingKey {
        case model, config, variants
        case cladeOverSpade = "clade_over_spade_generator"
    }

    init(config: ModelConfig, modelPath: String) {
        let spade = ModelCost(config: config, normalization: .spade)
        let clade = ModelCost(config: config, normalization: .clade)
        let blocks = config.blockNames.count
        model = modelPath
        self.config = config
        variants = [
            Self.variant("model", ModelCost(config: config), norms: config.blockNorms),
            Self.variant("spade", spade, norms: Array(repeating: .spade, count: blocks)),
            Self.variant("clade", clade, norms: Array(repeating: .clade, count: blocks)),
        ]
        cladeOverSpade = Ratio(clade.generator, over: spade.generator)
    }

    private static func variant(_ name: String, _ cost: ModelCost, norms: [ModelConfig.Normalization]) -> Variant {
        let generatorGroups = cost.groups.filter { $0.name != ModelCost.encoderName }
        let normalization = generatorGroups.reduce(ModelCost.Count.zero) { $0 + $1.normalization }
        let base = generatorGroups.reduce(ModelCost.Count.zero) { $0 + $1.layers }
        return Variant(
            name: name, blockNorms: norms.map(\.rawValue),
            groups: cost.groups.map {
                Group(
                    name: $0.name, size: "\($0.width)x\($0.height)", layers: Amount($0.layers),
                    normalization: Amount($0.normalization), total: Amount($0.total))
            },
            generator: Amount(cost.generator), generatorNormalization: Amount(normalization),
            normalizationOverhead: Ratio(normalization, over: base),
            encoder: cost.encoder.map(Amount.init), total: Amount(cost.total))
    }
}
