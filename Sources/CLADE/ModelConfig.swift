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
    /// How the edge and ICPE maps are made from data-set label and instance maps; `painted` when the file says nothing.
    public var conditioning: ConditioningConventions

    enum CodingKeys: String, CodingKey, CaseIterable {
        case formatVersion = "format_version"
        case architecture
        case blockNorms = "block_norms"
        case ngf
        case numUpsamplingLayers = "num_upsampling_layers"
        case width, height
        case labelNC = "label_nc"
        case containDontcareLabel = "contain_dontcare_label"
        case useInstanceEdges = "use_instance_edges"
        case useICPE = "use_icpe"
        case paramFreeNorm = "param_free_norm"
        case useVAE = "use_vae"
        case zDim = "z_dim"
        case palette
        case classNames = "class_names"
        case trainingData = "training_data"
        case stylePresets = "style_presets"
        case conditioning
    }

    public init(
        formatVersion: Int = 1, architecture: Architecture, blockNorms: [Normalization], ngf: Int,
        numUpsamplingLayers: Upsampling = .normal, width: Int, height: Int, labelNC: Int,
        containDontcareLabel: Bool = false, useInstanceEdges: Bool = false, useICPE: Bool = false,
        paramFreeNorm: ParamFreeNorm = .batch, useVAE: Bool = false, zDim: Int = 256, palette: String,
        classNames: [String], trainingData: String = "", stylePresets: [String: [Float]] = [:],
        conditioning: ConditioningConventions = .painted
    ) {
        self.formatVersion = formatVersion
        self.architecture = architecture
        self.blockNorms = blockNorms
        self.ngf = ngf
        self.numUpsamplingLayers = numUpsamplingLayers
        self.width = width
        self.height = height
        self.labelNC = labelNC
        self.containDontcareLabel = containDontcareLabel
        self.useInstanceEdges = useInstanceEdges
        self.useICPE = useICPE
        self.paramFreeNorm = paramFreeNorm
        self.useVAE = useVAE
        self.zDim = zDim
        self.palette = palette
        self.classNames = classNames
        self.trainingData = trainingData
        self.stylePresets = stylePresets
        self.conditioning = conditioning
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
        conditioning = try c.decodeIfPresent(ConditioningConventions.self, forKey: .conditioning) ?? .painted
    }

    /// Number of x2 upsamplings: 5, 6 or 7.
    public var upsamplingCount: Int {
        switch numUpsamplingLayers {
        case .normal: 5
        case .more: 6
        case .most: 7
        }
    }
    /// Rows of every class bank: the data set's classes plus dontcare.
    public var classCount: Int { labelNC + (containDontcareLabel ? 1 : 0) }
    /// Channels of the semantic input: one-hot classes plus the edge channel.
    public var semanticNC: Int { classCount + (useInstanceEdges ? 1 : 0) }
    /// The head's spatial size (width, height).
    public var headWidth: Int { width >> upsamplingCount }
    public var headHeight: Int { height >> upsamplingCount }
    /// The factors 1, 2, 4 ... by which a model with a style encoder can draw a smaller picture: the powers of two
    /// that divide the head map, whose `fc(z)` map the generator then average-pools by the factor.
    public var reductionFactors: [Int] {
        var factors = [1]
        while let next = factors.last.map({ $0 * 2 }), headWidth % next == 0, headHeight % next == 0 {
            factors.append(next)
        }
        return factors
    }

    /// The longest picture side any model draws: a larger picture takes gigabytes while it is drawn, and a damaged
    /// size must not make the engine try to allocate a picture that cannot exist.
    public static let largestSide = 8192

    /// Why the generator cannot draw a `width x height` picture, or nil when it can: a model with a style encoder
    /// draws its own size divided by one of its `reductionFactors`; other models any positive multiple of
    /// 2^upsamplingCount; no side longer than `largestSide`. The PyTorch twin (`ModelConfig.size_problem`) has
    /// the same rule and words (docs/model-format.md, "Picture sizes").
    public func sizeProblem(width: Int, height: Int) -> String? {
        let largest = Self.largestSide
        if width > largest || height > largest {
            return
                "a \(width)x\(height) picture: at most \(largest)x\(largest) pixels (a picture that large takes gigabytes while it is drawn)"
        }
        if useVAE {
            if reductionFactors.contains(where: { width * $0 == self.width && height * $0 == self.height }) {
                return nil
            }
            let sizes = reductionFactors.map { "\(self.width / $0)x\(self.height / $0)" }.joined(separator: ", ")
            return
                "a \(width)x\(height) picture: this model starts from a style code (use_vae), so it draws only \(sizes) "
                + "(its own size divided by a power of two that divides the head map \(headWidth)x\(headHeight))"
        }
        let step = 1 << upsamplingCount
        guard width >= step, height >= step, width % step == 0, height % step == 0 else {
            return
                "a \(width)x\(height) picture: width and height must be positive multiples of \(step) for this model (\(upsamplingCount) upsamplings)"
        }
        return nil
    }

    /// Block names in order, as in the public checkpoints.
    public var blockNames: [String] {
        ["head_0", "G_middle_0", "G_middle_1", "up_0", "up_1", "up_2", "up_3"]
            + (numUpsamplingLayers == .most ? ["up_4"] : [])
    }
}

extension ModelConfig {
    /// The shape of one residual block: its channels, its normalisation and whether a x2 upsampling precedes it.
    public struct BlockLayout: Sendable, Equatable {
        public let name: String
        public let inputChannels: Int
        public let outputChannels: Int
        public let norm: Normalization
        /// A nearest x2 upsampling of the features comes before this block.
        public let upsampledBefore: Bool

        /// `fmiddle = min(fin, fout)`: the channels between `conv_0` and `conv_1`.
        public var middleChannels: Int { min(inputChannels, outputChannels) }
        /// The block has `conv_s` / `norm_s` when its input and output widths differ.
        public var learnedShortcut: Bool { inputChannels != outputChannels }
    }

    /// The residual blocks in order (`head_0`, `G_middle_0`, `G_middle_1`, `up_0` ...), as in the SPADE generator:
    /// widths 16ngf, 16ngf, 16ngf, 8ngf, 4ngf, 2ngf, ngf (and ngf/2 for `up_4`); an upsampling precedes every block
    /// but `head_0`, and `G_middle_1` only with `more` / `most`.
    public var blocks: [BlockLayout] {
        let widths = [16, 16, 16, 16, 8, 4, 2, 1].map { $0 * ngf } + [ngf / 2]
        return blockNames.enumerated().map { index, name in
            BlockLayout(
                name: name, inputChannels: widths[index], outputChannels: widths[index + 1],
                norm: index < blockNorms.count ? blockNorms[index] : .clade,
                upsampledBefore: index > 0 && (name != "G_middle_1" || numUpsamplingLayers != .normal))
        }
    }

    /// The JSON keys of the config, for rejecting unknown ones.
    public static var keys: Set<String> { Set(CodingKeys.allCases.map(\.rawValue)) }

    /// Every inconsistency of the config, in words (empty when the config is usable).
    public var problems: [String] {
        var problems: [String] = []
        if formatVersion != 1 { problems.append("format_version is \(formatVersion); this engine reads version 1") }
        if ngf < 1 { problems.append("ngf is \(ngf); it must be at least 1") }
        if numUpsamplingLayers == .most && ngf % 2 != 0 {
            problems.append("ngf is \(ngf); a 'most' generator halves it in up_4, so it must be even")
        }
        let names = blockNames
        if blockNorms.count != names.count {
            problems.append(
                "block_norms has \(blockNorms.count) entries; a '\(numUpsamplingLayers.rawValue)' generator has \(names.count) blocks (\(names.joined(separator: ", ")))"
            )
        }
        switch architecture {
        case .clade where blockNorms.contains(.spade):
            problems.append("architecture is clade but block_norms contains spade")
        case .spade where blockNorms.contains(.clade):
            problems.append("architecture is spade but block_norms contains clade")
        default: break
        }
        let step = 1 << upsamplingCount
        if width < step || width % step != 0 {
            problems.append("width \(width) is not a positive multiple of 2^\(upsamplingCount) = \(step)")
        }
        if height < step || height % step != 0 {
            problems.append("height \(height) is not a positive multiple of 2^\(upsamplingCount) = \(step)")
        }
        if useICPE && !blockNorms.contains(.clade) {
            problems.append("use_icpe needs at least one CLADE block (ICPE lives in the CLADE class affine)")
        }
        if labelNC < 1 { problems.append("label_nc is \(labelNC); it must be at least 1") }
        if classNames.count != classCount {
            problems.append(
                "class_names has \(classNames.count) names; the class bank has \(classCount) rows (label_nc \(labelNC)\(containDontcareLabel ? " + dontcare" : ""))"
            )
        }
        if zDim < 1 { problems.append("z_dim is \(zDim); it must be at least 1") }
        if case .index(let index) = conditioning.icpeIgnoredClass, !(0 ..< classCount).contains(index) {
            problems.append(
                "conditioning.icpe_ignored_class is \(index); the class bank has rows 0 to \(classCount - 1)")
        }
        for (name, code) in stylePresets.sorted(by: { $0.key < $1.key }) where code.count != zDim {
            problems.append("style preset '\(name)' has \(code.count) values; z_dim is \(zDim)")
        }
        return problems
    }
}
