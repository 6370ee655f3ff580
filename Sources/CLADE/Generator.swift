import Foundation

/// What the generator draws from: the label map and, where the model uses them, the edge map, the ICPE distance
/// map and the style code.
public struct GeneratorInput: Sendable {
    /// Class ids `[H, W]`, each in `0 ..< config.classCount`.
    public var labels: LabelMap
    /// Edge map `[1, H, W]` (0 or 1); required by models with instance edges.
    public var edges: Tensor?
    /// ICPE distance map `[2, H, W]`, channels `[h, w]`; nil on an ICPE model switches ICPE off (a zero map).
    public var distances: Tensor?
    /// Style code (`z_dim` values); required by models with a style encoder (`use_vae`).
    public var style: StyleCode?

    public init(labels: LabelMap, edges: Tensor? = nil, distances: Tensor? = nil, style: StyleCode? = nil) {
        self.labels = labels
        self.edges = edges
        self.distances = distances
        self.style = style
    }
}

/// Input that does not fit the model, in words.
public struct GeneratorInputError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public let problem: String
    public var description: String { problem }
    public var errorDescription: String? { problem }
}

/// The SPADE / CLADE generator (PyTorch `SPADEGenerator` with per-block CLADE or SPADE normalisation).
///
///     x = fc(z).view(16ngf, sh, sw)                      with a style encoder (use_vae);
///         at 1/2^k of the model's size (`ModelConfig.reductionFactors`) average-pooled by 2^k
///     x = fc(nearest(segmap, sh x sw))                   otherwise (3x3 conv over the one-hot map)
///     x = head_0(x); up; G_middle_0; [up]; G_middle_1; up; up_0; up; up_1; up; up_2; up; up_3; [up; up_4]
///     image = tanh(conv_img(lrelu(x, 0.2)))              [3, H, W] in [-1, 1]
///
/// `up` is a nearest x2 upsampling; `[up]` happens for `more` / `most`, `up_4` for `most`. Every block reads the
/// label, edge and distance maps nearest-resized to its size. Weights are immutable, so one generator may serve
/// several threads; each call owns its scratch memory.
public final class Generator: Sendable {
    /// The first layer: a linear map of the style code, or a conv over the downsampled semantic map.
    enum Head: Sendable {
        case style(Linear)
        case semantic(Conv2d)
    }

    public let config: ModelConfig
    let head: Head
    let blocks: [(layout: ModelConfig.BlockLayout, block: ResnetBlock)]
    let convImg: Conv2d

    /// Builds the layers from `model`, dropping each layer's weights from it once the layer holds them in the form it
    /// computes with (`ResnetBlock.init(model:layout:mapPixels:)`): where the caller hands over its model
    /// (`consume`), the F32 weights of the Winograd layers and of a half-precision `fc` are freed as the generator is
    /// built, and the peak memory of loading stays below that of running.
    public init(model: consuming ModelFile) {
        let config = model.config
        self.config = config
        head =
            config.useVAE
            ? .style(Linear(weight: model["fc.weight"], bias: model["fc.bias"]))
            : .semantic(
                Conv2d(
                    weight: model["fc.weight"], bias: model["fc.bias"], padding: 1,
                    mapPixels: config.headWidth * config.headHeight))
        model.removeWeights(prefix: "fc.")
        // Each block's map size at the model's size decides which of its convolutions keep a Winograd form.
        var pixels = config.headWidth * config.headHeight
        var blocks: [(layout: ModelConfig.BlockLayout, block: ResnetBlock)] = []
        for layout in config.blocks {
            if layout.upsampledBefore { pixels *= 4 }
            blocks.append((layout, ResnetBlock(model: &model, layout: layout, mapPixels: pixels)))
        }
        self.blocks = blocks
        convImg = Conv2d(
            weight: model["conv_img.weight"], bias: model["conv_img.bias"], padding: 1,
            mapPixels: config.width * config.height)
    }

    /// Draws the picture for `input`: `[3, H, W]` in [-1, 1].
    ///
    /// - observer: called with each stage's output (`"fc"`, then every block by name, then `"conv_img"` before tanh).
    /// - isCancelled: checked before each block, twice inside it (after the shortcut and after conv_0) and before
    ///   conv_img; when it returns true the call throws `CancellationError`.
    /// - Throws: `GeneratorInputError` when the input does not fit the model.
    public func callAsFunction(
        _ input: GeneratorInput, observer: ((String, Tensor) -> Void)? = nil, isCancelled: () -> Bool = { false }
    ) throws -> Tensor {
        let maps = try semanticMaps(for: input)
        let step = 1 << config.upsamplingCount

        var x: Tensor
        switch head {
        case .style(let fc):
            guard let style = input.style else {
                throw GeneratorInputError(
                    problem:
                        "this model starts from a style code (use_vae): pass a style (a random seed, a preset or an encoded reference image)"
                )
            }
            guard style.values.count == config.zDim else {
                throw GeneratorInputError(
                    problem: "style code has \(style.values.count) values; the model's z_dim is \(config.zDim)")
            }
            x = fc(Tensor(shape: [config.zDim], data: style.values))
            x.shape = [16 * config.ngf, config.headHeight, config.headWidth]
            // A picture reduced by 2^k starts from the area average of the head map, the style's layout at that scale.
            x = averagePool(x, by: config.width / maps.width)
        case .semantic(let fc):
            x = fc(maps.resized(height: maps.height / step, width: maps.width / step).oneHot())
        }
        observer?("fc", x)

        func checkpoint() throws { if isCancelled() { throw CancellationError() } }
        for (layout, block) in blocks {
            try checkpoint()
            // The block reads x through the upsampling (ResnetBlock), so the upsampled map is not built here. Each block
            // has a workspace of its own: freed as the block ends, its memory (up to 16 MiB for a whole-map Winograd
            // batch) holds the next blocks' maps; one workspace for the pass stayed at its largest beside the largest
            // maps (peak RSS 9 MiB higher with the bundled model).
            let step = layout.upsampledBefore ? 1 : 0
            x = try block(
                x, maps.resized(height: x.height << step, width: x.width << step), upsampled: layout.upsampledBefore,
                workspace: Workspace(), checkpoint: checkpoint)
            observer?(layout.name, x)
        }
        try checkpoint()
        leakyReLU(&x)
        x = convImg(x)
        observer?("conv_img", x)
        tanh(&x)
        return x
    }

    /// Checks the input against the model and gathers it into full-size maps.
    private func semanticMaps(for input: GeneratorInput) throws -> SemanticMaps {
        let (h, w) = (input.labels.height, input.labels.width)
        if let problem = config.sizeProblem(width: w, height: h) { throw GeneratorInputError(problem: problem) }
        let classCount = config.classCount
        if let index = input.labels.classes.firstIndex(where: { $0 < 0 || Int($0) >= classCount }) {
            throw GeneratorInputError(
                problem:
                    "label map value \(input.labels.classes[index]) at (x \(index % w), y \(index / w)) is not a class of this model (0 ..< \(classCount))"
            )
        }
        var edges: [Float]?
        if config.useInstanceEdges {
            guard let map = input.edges else {
                throw GeneratorInputError(problem: "this model uses instance edges: pass an edge map [1, \(h), \(w)]")
            }
            guard map.shape == [1, h, w] else {
                throw GeneratorInputError(problem: "edge map is \(map.shape); the label map needs [1, \(h), \(w)]")
            }
            edges = map.data
        }
        var distances: [Float]?
        if config.useICPE, let map = input.distances {
            guard map.shape == [2, h, w] else {
                throw GeneratorInputError(problem: "distance map is \(map.shape); the label map needs [2, \(h), \(w)]")
            }
            distances = map.data
        }
        return SemanticMaps(
            classCount: classCount, height: h, width: w, classes: input.labels.classes, edges: edges,
            distances: distances)
    }
}
