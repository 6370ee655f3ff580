import CLADE

/// Everything one picture depends on: the label and instance maps, how they reach the picture's size, the style,
/// ICPE and the picture size. The painter and `clade-paint render` both draw through it, so a saved painting renders
/// to the same bytes from the command line.
public struct RenderRequest: Sendable, Equatable {
    /// How the maps reach the picture's size.
    public enum Conditioning: Sendable, Equatable {
        /// A painted grid (or a mask at the picture's size): a smaller grid is upsampled by `upsampling`
        /// (docs/conditioning.md sections 1 and 1b), then the edge and distance maps are made at the picture's size.
        case paintedGrid
        /// A public data set's own label files, as the official SPADE/CLADE test code conditions them
        /// (`DataSetConditioning`, docs/conditioning.md section 6); `distances` `[2, h, w]` is an official
        /// precomputed distance map that replaces the computed one.
        case dataSet(distances: Tensor?)
    }

    /// Class ids `[gridHeight, gridWidth]`.
    public var labels: LabelMap
    /// Instance ids `[gridHeight, gridWidth]`.
    public var instances: InstanceMap
    /// How the style was chosen (for saving); `.none` for models without a style encoder.
    public var style: StyleSelection
    /// Whether ICPE is on (ignored by models without ICPE).
    public var icpe: Bool
    /// The picture size in pixels.
    public var width: Int
    public var height: Int
    /// How the maps reach the picture's size.
    public var conditioning: Conditioning
    /// How a painted grid is upsampled to the picture's size (`.paintedGrid` only).
    public var upsampling: LabelUpsampling.Method

    /// `upsampling` defaults to the method of files that record none, so a request read from such a file draws
    /// the picture it always drew.
    public init(
        labels: LabelMap, instances: InstanceMap, style: StyleSelection, icpe: Bool, width: Int, height: Int,
        conditioning: Conditioning = .paintedGrid, upsampling: LabelUpsampling.Method = .unrecorded
    ) {
        self.labels = labels
        self.instances = instances
        self.style = style
        self.icpe = icpe
        self.width = width
        self.height = height
        self.conditioning = conditioning
        self.upsampling = upsampling
    }

    /// The generator's input for a model of `config` with `styleBank`: the maps at the picture's size, with the edge
    /// map and ICPE distance map where the model uses them (`icpe` false leaves the distance map out: ICPE off).
    /// - Throws: `PainterError` when the style does not fit the model.
    public func generatorInput(config: ModelConfig, styleBank: StyleBank?) throws -> GeneratorInput {
        let style = try style.styleCode(config: config, bank: styleBank)
        if case .dataSet(let distances) = conditioning {
            return DataSetConditioning.generatorInput(
                labels: labels, instances: instances, distances: distances, config: config,
                width: width, height: height, icpe: icpe, style: style)
        }
        var (labels, instances) = (labels, instances)
        if labels.width != width || labels.height != height {
            (labels, instances) = LabelUpsampling.upsample(
                labels: labels, instances: instances, width: width, height: height, method: upsampling)
        }
        let edges = config.useInstanceEdges ? EdgeMap.compute(labels: labels, instances: instances) : nil
        let dontcare = config.containDontcareLabel ? Int32(config.labelNC) : nil
        let distances =
            config.useICPE && icpe
            ? DistanceMap.compute(labels: labels, instances: instances, ignoredClass: dontcare) : nil
        return GeneratorInput(labels: labels, edges: edges, distances: distances, style: style)
    }
}
