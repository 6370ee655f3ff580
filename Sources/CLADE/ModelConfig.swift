/// The configuration of a generator, as stored under `clade_paint_config` in a model file's metadata
/// (see `docs/model-format.md`).
public struct ModelConfig: Sendable, Equatable, Codable {
    public enum Normalization: String, Sendable, Codable { case clade, spade }
    public enum Architecture: String, Sendable, Codable { case clade, spade, hybrid }
    public enum ParamFreeNorm: String, Sendable, Codable { case batch, instance }
    public enum Upsampling: String, Sendable, Codable { case normal, more, most }

    public var formatVersion: Int
    public var architecture: Architecture
    public var blockNorms: [Normalization]
    public var ngf: Int
    public var numUpsamplingLayers: Upsampling
    public var width: Int
    public var height: Int
    public var labelNC: Int
    public var containDontcareLabel: Bool
    public var useInstanceEdges: Bool
    public var useICPE: Bool
    public var paramFreeNorm: ParamFreeNorm
    public var useVAE: Bool
    public var zDim: Int
    public var palette: String
    public var classNames: [String]
    public var trainingData: String
    public var stylePresets: [String: [Float]]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", architecture, blockNorms = "block_norms", ngf
        case numUpsamplingLayers = "num_upsampling_layers", width, height, labelNC = "label_nc"
        case containDontcareLabel = "contain_dontcare_label", useInstanceEdges = "use_instance_edges"
        case useICPE = "use_icpe", paramFreeNorm = "param_free_norm", useVAE = "use_vae", zDim = "z_dim"
        case palette, classNames = "class_names", trainingData = "training_data", stylePresets = "style_presets"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        architecture = try c.decode(Architecture.self, forKey: .architecture)
        blockNorms = try c.decode([Normalization].self, forKey: .blockNorms)
        ngf = try c.decode(Int.self, forKey: .ngf)
        numUpsamplingLayers = try c.decode(Upsampling.self, forKey: .numUpsamplingLayers)
        width = try c.decode(Int.self, forKey: .width)
        height = try c.decode(Int.self, forKey: .height)
        labelNC = try c.decode(Int.self, forKey: .labelNC)
        containDontcareLabel = try c.decode(Bool.self, forKey: .containDontcareLabel)
        useInstanceEdges = try c.decode(Bool.self, forKey: .useInstanceEdges)
        useICPE = try c.decode(Bool.self, forKey: .useICPE)
        paramFreeNorm = try c.decode(ParamFreeNorm.self, forKey: .paramFreeNorm)
        useVAE = try c.decode(Bool.self, forKey: .useVAE)
        zDim = try c.decode(Int.self, forKey: .zDim)
        palette = try c.decode(String.self, forKey: .palette)
        classNames = try c.decode([String].self, forKey: .classNames)
        trainingData = try c.decodeIfPresent(String.self, forKey: .trainingData) ?? ""
        stylePresets = try c.decodeIfPresent([String: [Float]].self, forKey: .stylePresets) ?? [:]
    }

    /// Number of x2 upsamplings: 5, 6 or 7.
    public var upsamplingCount: Int {
        switch numUpsamplingLayers { case .normal: 5; case .more: 6; case .most: 7 }
    }
    /// Rows of every class bank: the data set's classes plus dontcare.
    public var classCount: Int { labelNC + (containDontcareLabel ? 1 : 0) }
    /// Channels of the semantic input: one-hot classes plus the edge channel.
    public var semanticNC: Int { classCount + (useInstanceEdges ? 1 : 0) }
    /// The head's spatial size (width, height).
    public var headWidth: Int { width >> upsamplingCount }
    public var headHeight: Int { height >> upsamplingCount }
    /// Block names in order, as in the public checkpoints.
    public var blockNames: [String] {
        ["head_0", "G_middle_0", "G_middle_1", "up_0", "up_1", "up_2", "up_3"] + (numUpsamplingLayers == .most ? ["up_4"] : [])
    }
}
