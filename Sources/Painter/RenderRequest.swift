import CLADE

/// Everything one picture depends on: the painted grid, the style, ICPE and the picture size.
public struct RenderRequest: Sendable, Equatable {
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
    /// How the grid reaches the picture's size.
    public var upsampling: LabelUpsampling.Method

    /// `upsampling` defaults to the method of files that record none, so a request read from such a file draws
    /// the picture it always drew.
    public init(labels: LabelMap, instances: InstanceMap, style: StyleSelection, icpe: Bool, width: Int, height: Int,
                upsampling: LabelUpsampling.Method = .unrecorded) {
        self.upsampling = upsampling
        self.labels = labels
        self.instances = instances
        self.style = style
        self.icpe = icpe
        self.width = width
        self.height = height
    }

    /// The generator's input for `model`.
    /// - Throws: `PainterError` when the style does not fit the model.
    public func generatorInput(model: ModelFile) throws -> GeneratorInput {
        GridConditioning.generatorInput(
            labels: labels, instances: instances, config: model.config, width: width, height: height, icpe: icpe,
            style: try style.styleCode(config: model.config, bank: model.styleBank), upsampling: upsampling)
    }
}
