import CLADE
import Foundation
import ImageFiles

/// A loaded model with what the painter needs around it: its palette, generator and (when it has one) style
/// encoder. Immutable, so the UI thread and the render worker share it.
public final class PaintModel: Sendable {
    /// The model file as given (for the status line and saved sessions).
    public let path: String
    public let config: ModelConfig
    /// The codes random styles are drawn from; nil when the file has none.
    public let styleBank: StyleBank?
    public let palette: Palette
    public let generator: Generator
    /// nil when the model has no style encoder (`use_vae` false): then there are no style choices.
    public let encoder: StyleEncoder?
    /// One entry per class, for the palette panel.
    public let entries: [PaletteEntry]

    /// Takes `file`'s weights into the generator and the style encoder: handed over (`consume`), the F32 weights of the
    /// generator's Winograd layers are freed as it is built (`Generator.init(model:)`).
    /// - Throws: `PainterError` when the palette has fewer colours than the model has classes.
    public init(file: consuming ModelFile, path: String, palette: Palette) throws {
        let config = file.config
        try Self.checkPalette(palette, config: config, path: path)
        self.path = path
        self.config = config
        styleBank = file.styleBank
        self.palette = palette
        encoder = config.useVAE ? try StyleEncoder(model: file) : nil
        generator = Generator(model: consume file)
        entries = PaletteEntry.entries(palette: palette, classNames: config.classNames, classCount: config.classCount)
    }

    /// Throws `PainterError` when `palette` has fewer colours than the model at `path`, of `config`, has classes.
    public static func checkPalette(_ palette: Palette, config: ModelConfig, path: String) throws {
        guard palette.count >= config.classCount else {
            throw PainterError(
                "the palette '\(palette.name)' has \(palette.count) colours; the model \(path) has \(config.classCount) classes"
            )
        }
    }

    /// Whether style choices (seeds, presets, reference pictures) mean anything for this model.
    public var hasStyle: Bool { encoder != nil }
    /// Why a model without style encoder offers no style choices (the status line's and the command line's words).
    public static let noStyleMessage = "this model has no style encoder: its picture follows from the mask alone"
    /// The style presets the model ships with, by name.
    public var presetNames: [String] { config.stylePresets.keys.sorted() }

    /// The number of generator stages `render` reports to its observer: the head, every block, the output conv.
    public var stageCount: Int { config.blocks.count + 2 }

    /// How much smaller than the picture a draft is drawn, the first the generator can draw: a quarter of each side
    /// (64x64 for the bundled model's 256x256: 17 ms against 40 ms at half size on this project's 2-core machine,
    /// docs/performance.md "Interactive latency"), else half.
    public static let draftReductions = [4, 2]

    /// The size of the draft of a `width x height` picture: its sides divided by the first of `draftReductions` for
    /// which the generator can draw that (sides divisible and `ModelConfig.sizeProblem` content: for a model with a
    /// style encoder the head map must divide too, for others the draft must stay a multiple of
    /// 2^upsamplingCount); nil where there is no draft.
    public func draftSize(width: Int, height: Int) -> (width: Int, height: Int)? {
        for reduction in Self.draftReductions
        where width % reduction == 0 && height % reduction == 0
            && config.sizeProblem(width: width / reduction, height: height / reduction) == nil
        {
            return (width / reduction, height / reduction)
        }
        return nil
    }

    /// Draws the picture for `request` on the calling thread.
    /// - observer: called after each stage with the stage's name (`stageCount` calls in all).
    /// - isCancelled: checked before each stage and twice inside each block (`Generator`); when it returns true the
    ///   call throws `CancellationError`.
    public func render(
        _ request: RenderRequest, observer: ((String) -> Void)? = nil, isCancelled: () -> Bool = { false }
    ) throws -> PNGImage {
        PNGImage(tensor: try draw(request, observer: observer, isCancelled: isCancelled))
    }

    /// Draws the draft of `request` on the calling thread: the grid upsampled to `draftSize` (conditioning maps at
    /// that size, the same style code), the picture upscaled bilinearly to the request's size so that it can stand
    /// in for the final one. nil when the request's size has no draft. Observer and cancellation as `render`.
    public func renderDraft(
        _ request: RenderRequest, observer: ((String) -> Void)? = nil, isCancelled: () -> Bool = { false }
    ) throws -> PNGImage? {
        guard let size = draftSize(width: request.width, height: request.height) else { return nil }
        var draft = request
        (draft.width, draft.height) = size
        let image = try draw(draft, observer: observer, isCancelled: isCancelled)
        return PNGImage(tensor: resizeBilinear(image, height: request.height, width: request.width))
    }

    /// The generator's input for `request` with this model's config and style bank.
    public func generatorInput(for request: RenderRequest) throws -> GeneratorInput {
        try request.generatorInput(config: config, styleBank: styleBank)
    }

    /// The generator's picture for `request`: `[3, request.height, request.width]` in [-1, 1].
    private func draw(_ request: RenderRequest, observer: ((String) -> Void)?, isCancelled: () -> Bool) throws -> Tensor
    {
        return try generator(
            generatorInput(for: request), observer: observer.map { observe in { name, _ in observe(name) } },
            isCancelled: isCancelled)
    }
}
