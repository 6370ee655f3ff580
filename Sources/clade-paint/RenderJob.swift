import CLADE

/// One mask that `render` turns into a picture: read and checked before the first picture is written.
protocol RenderJob: Sendable {
    /// The mask file as the person named it.
    var path: String { get }
    /// The generator's input for a `width x height` picture.
    func generatorInput(config: ModelConfig, width: Int, height: Int, icpe: Bool, style: StyleCode?) -> GeneratorInput
    /// What the progress line says about the mask beyond its size ("" when nothing).
    func note(width: Int, height: Int) -> String
}
