import CLADE
import Foundation
import ImageFiles

/// A loaded model with what the painter needs around it: its palette, generator and (when it has one) style
/// encoder. Immutable, so the UI thread and the render worker share it.
public final class PaintModel: Sendable {
    /// The model file as given (for the status line and saved sessions).
    public let path: String
    public let file: ModelFile
    public let palette: Palette
    public let generator: Generator
    /// nil when the model has no style encoder (`use_vae` false): then there are no style choices.
    public let encoder: StyleEncoder?
    /// One entry per class, for the palette panel.
    public let entries: [PaletteEntry]

    /// - Throws: `PainterError` when the palette has fewer colours than the model has classes.
    public init(file: ModelFile, path: String, palette: Palette) throws {
        let config = file.config
        guard palette.count >= config.classCount else {
            throw PainterError("the palette '\(palette.name)' has \(palette.count) colours; the model \(path) has \(config.classCount) classes")
        }
        self.path = path
        self.file = file
        self.palette = palette
        generator = Generator(model: file)
        encoder = config.useVAE ? try StyleEncoder(model: file) : nil
        entries = PaletteEntry.entries(palette: palette, classNames: config.classNames, classCount: config.classCount)
    }

    public var config: ModelConfig { file.config }
    /// Whether style choices (seeds, presets, reference pictures) mean anything for this model.
    public var hasStyle: Bool { encoder != nil }
    /// The style presets the model ships with, by name.
    public var presetNames: [String] { config.stylePresets.keys.sorted() }

    /// The number of generator stages `render` reports to its observer: the head, every block, the output conv.
    public var stageCount: Int { config.blocks.count + 2 }

    /// Draws the picture for `request` on the calling thread.
    /// - observer: called after each stage with the stage's name (`stageCount` calls in all).
    /// - isCancelled: checked between stages; when it returns true the call throws `CancellationError`.
    public func render(
        _ request: RenderRequest, observer: ((String) -> Void)? = nil, isCancelled: () -> Bool = { false }
    ) throws -> PNGImage {
        let input = try request.generatorInput(config: config)
        let image = try generator(input, observer: observer.map { observe in { name, _ in observe(name) } }, isCancelled: isCancelled)
        return PNGImage(tensor: image)
    }
}
