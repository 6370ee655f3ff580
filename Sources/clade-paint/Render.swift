import ArgumentParser
import CLADE
import Foundation
import ImageFiles
import Painter

/// `clade-paint render`: masks to pictures, without a screen.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render masks (label maps) to RGB pictures.",
        discussion: """
            A mask is an indexed PNG with the class palette, an 8-bit grey PNG of class ids, or an RGB PNG in the \
            palette's colours. A mask at the picture's size is used as is; a smaller one is a painted grid and is \
            upsampled with smooth class boundaries. All inputs are checked before the first picture is written, \
            and every file is written whole or not at all. \
            An existing file is never replaced unless --force is given (the painter never overwrites either). \
            A painting saved by the painter (w) is drawn again, bit for bit, from its JSON: --session NAME-NNN.json.
            """)

    @Argument(help: ArgumentHelp("Mask files (PNG).", valueName: "mask.png"))
    var masks: [String] = []

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "The picture (one mask) or an existing folder (any number of masks: <folder>/<mask name>.png).",
            discussion: "Default: <mask name>.render.png in the current folder.", valueName: "out.png|dir"))
    var output: String?

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var paletteOption: PaletteOption

    @Option(
        name: .long,
        help: ArgumentHelp(
            "An instance map (8/16-bit grey PNG, the mask's size) for the mask in the same position; give none or one per mask.",
            valueName: "inst.png"))
    var instances: [String] = []

    // Unconditional, so that `--style -1` is read as a (wrong) value rather than as a missing one.
    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp(
            "The style of every picture of the run: 'random' (default; the seed is printed), a seed (whole number) or a preset named in the model.",
            valueName: "random|seed|name"))
    var style: StyleChoice?

    @Option(
        name: .customLong("style-image"),
        help: ArgumentHelp(
            "Take the style of a reference picture (PNG), via the model's style encoder.", valueName: "ref.png"))
    var styleImage: String?

    @Option(
        name: .customLong("style-code"),
        help: ArgumentHelp("Take the style code from a JSON file (an array of z_dim numbers).", valueName: "code.json"))
    var styleCode: String?

    @Option(
        name: .customLong("write-style-code"),
        help: ArgumentHelp(
            "Write the style code used as JSON, to render the same picture again.", valueName: "code.json"))
    var writeStyleCode: String?

    @Flag(name: .customLong("no-icpe"), help: "Switch the intra-class positional encoding off (models with ICPE).")
    var noICPE = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The picture size, one the model draws (docs/model-format.md, \"Picture sizes\"). Default: the model's size.",
            valueName: "WxH"))
    var size: PictureSize?

    @Option(name: .long, help: ArgumentHelp("OpenBLAS threads. Default: the number of processors.", valueName: "n"))
    var threads: Int?

    @Flag(
        name: .long,
        help: "Replace existing output files (pictures, --write-style-code); without it render refuses to overwrite.")
    var force = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "How a mask smaller than the picture (a painted grid) is upsampled: the class vote of the four nearest cells, or the smooth, area-preserving vote the painter uses.",
            discussion:
                "Default: vote, what a bare mask was drawn with before the method was recorded; a session (--session) brings its own.",
            valueName: "vote|smooth"))
    var upsampling: LabelUpsampling.Method?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The masks are a public data set's own label files (any size, its label values), conditioned as the official SPADE/CLADE test code does.",
            discussion:
                "COCO-Stuff 255 and ADE20K 0 become the dontcare class. Pair with --instances as given by the data set.",
            valueName: "coco|ade20k|cityscapes"))
    var labels: DataSetLabelFormat?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "An official precomputed ICPE distance map (.npy, the label file's size) for the mask in the same position; needs --labels.",
            valueName: "dist.npy"))
    var distances: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "How output values become bytes: 'round' (default) or 'truncate' as the official code's tensor2im does.",
            valueName: "round|truncate"))
    var quantize: Quantization = .round

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A painting saved by the painter: its JSON names the mask, instance map, style, ICPE and size (and the model, unless --model is given).",
            discussion: "Default output: <session name>.render.png in the current folder.", valueName: "painting.json"))
    var session: String?

    func validate() throws {
        if session != nil {
            let others = [
                masks.isEmpty ? nil : "mask files", instances.isEmpty ? nil : "--instances",
                style.map { _ in "--style" },
                styleImage.map { _ in "--style-image" }, styleCode.map { _ in "--style-code" },
                size.map { _ in "--size" },
                noICPE ? "--no-icpe" : nil, writeStyleCode.map { _ in "--write-style-code" },
                labels.map { _ in "--labels" }, distances.isEmpty ? nil : "--distances",
                upsampling.map { _ in "--upsampling" },
            ].compactMap { $0 }
            guard others.isEmpty else {
                throw ValidationError(
                    "--session brings its own mask, instances, style, ICPE, size and upsampling; drop \(others.joined(separator: ", "))."
                )
            }
            try ThreadCount.validate(threads)
            return
        }
        guard !masks.isEmpty else { throw ValidationError("Give at least one mask file (or --session).") }
        guard instances.isEmpty || instances.count == masks.count else {
            throw ValidationError(
                "Give --instances once per mask (\(masks.count)) or not at all; got \(instances.count).")
        }
        guard labels == nil || paletteOption.palette == nil else {
            throw ValidationError(
                "--palette reads masks; --labels files hold the data set's own label values, drop --palette.")
        }
        guard distances.isEmpty || (labels != nil && distances.count == masks.count && !noICPE) else {
            throw ValidationError(
                "--distances goes with --labels and ICPE on, once per mask (\(masks.count)); got \(distances.count).")
        }
        let styleSources = [style != nil, styleImage != nil, styleCode != nil].filter { $0 }.count
        guard styleSources <= 1 else {
            throw ValidationError("Give only one of --style, --style-image and --style-code.")
        }
        try ThreadCount.validate(threads)
    }

    func run() throws {
        let clock = ContinuousClock()
        let threadCount = BLASThreads.configure(threads ?? ProcessInfo.processInfo.activeProcessorCount)
        if let session { try InputFile.checkExists(session, kind: "session file") }
        let record = try session.map { path in
            try FileProblem.attributing(to: path) { try SessionRecord.read(URL(fileURLWithPath: path)) }
        }
        // A saved painting is drawn with the model it was made with, unless another is named.
        var modelOptions = modelOptions
        if let record, modelOptions.model == nil { modelOptions.model = record.model }
        let loadStart = clock.now
        let (model, modelPath) = try modelOptions.loadModel()
        let loadTime = clock.now - loadStart
        let batch =
            try record.map { try sessionBatch($0, path: session!, model: model, modelPath: modelPath) }
            ?? maskBatch(model: model, modelPath: modelPath, clock: clock)

        let config = model.config
        Self.say(
            "model: \(modelPath) (\(Self.summary(of: config))), loaded in \(Self.milliseconds(loadTime)), \(threadCount) BLAS threads"
        )
        let icpe = batch.requests.first?.icpe ?? true
        let style = [config.useVAE ? batch.style : nil, config.useICPE ? "ICPE \(icpe ? "on" : "off")" : nil].compactMap
        { $0 }
        if !style.isEmpty { Self.say("style: \(style.joined(separator: ", "))") }
        if let (path, code) = batch.styleCodeOutput {
            try StyleCodeFile.write(code, to: path, force: force)
            Self.say("style code written to \(path)")
        }
        try draw(batch, model: model, clock: clock)
    }

    /// The pictures of one run, read and checked before the first is drawn: a render request per input, where each
    /// picture goes, and how the style was chosen.
    private struct Batch {
        /// The file each request was read from, as the person named it (a mask, a label file or a session file).
        var sources: [String]
        var requests: [RenderRequest]
        var outputs: [String]
        /// How the style was chosen, for the progress line.
        var style: String
        /// Where `--write-style-code` writes the run's style code.
        var styleCodeOutput: (path: String, code: StyleCode)?
        /// PNGs compressed little and quickly, for batches; a session's picture is encoded as the painter saves it,
        /// so the file is the painter's, byte for byte.
        var fastPNG = true
    }

    /// A painting saved by the painter: the same request the painter rendered, so the same bytes.
    private func sessionBatch(_ record: SessionRecord, path: String, model: ModelFile, modelPath: String) throws
        -> Batch
    {
        let config = model.config
        // Before the mask is read and anything allocated for the picture.
        if let problem = config.sizeProblem(width: record.width, height: record.height) {
            throw FileProblem(file: path, problem: "\(modelPath) cannot draw the painting: \(problem)")
        }
        let (palette, palettePath) = try paletteOption.loadPalette(for: model, modelPath: modelPath)
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let inputs =
            [path, modelPath, palettePath]
            + [record.mask, record.instances].map { folder.appendingPathComponent($0).path }
        let plan = try OutputPlan(masks: [path], output: output, inputs: inputs, force: force)
        let request = try FileProblem.attributing(to: path) {
            let request = try record.renderRequest(recordURL: url, palette: palette, config: config)
            _ = try request.style.styleCode(config: config, bank: model.styleBank)
            return request
        }
        return Batch(
            sources: [path], requests: [request], outputs: plan.paths, style: record.style.summary, fastPNG: false)
    }

    /// Mask files (or a data set's label files) with the options of the command line.
    private func maskBatch(model: ModelFile, modelPath: String, clock: ContinuousClock) throws -> Batch {
        let config = model.config
        try checkOptions(against: config, modelPath: modelPath)
        let picture = size ?? PictureSize(config: config)
        if let problem = config.sizeProblem(width: picture.width, height: picture.height) {
            throw FileProblem(file: modelPath, problem: "--size: \(problem)")
        }
        // Data-set label files hold the data set's own values; only masks are read through the palette.
        let maskPalette = try labels == nil ? paletteOption.loadPalette(for: model, modelPath: modelPath) : nil

        // Everything that can fail is checked before the first file is written.
        let inputs =
            masks + instances + distances + [styleImage, styleCode, modelPath, maskPalette?.path].compactMap { $0 }
        let plan = try OutputPlan(masks: masks, output: output, inputs: inputs, force: force)
        if let writeStyleCode { try checkStyleCodeOutput(writeStyleCode, plan: plan, inputs: inputs) }
        let (style, summary) =
            try config.useVAE ? chooseStyle(model: model, modelPath: modelPath, clock: clock) : (.none, "none")
        let code = try FileProblem.attributing(to: modelPath) {
            try style.styleCode(config: config, bank: model.styleBank)
        }
        let requests = try masks.enumerated().map { index, mask in
            let instancesPath = instances.isEmpty ? nil : instances[index]
            if let labels {
                return try RenderRequest(
                    labels: mask, format: labels, instancesPath: instancesPath,
                    distancesPath: distances.isEmpty ? nil : distances[index],
                    style: style, icpe: !noICPE, width: picture.width, height: picture.height)
            }
            return try RenderRequest(
                mask: mask, instancesPath: instancesPath, palette: maskPalette!.palette, classCount: config.classCount,
                style: style, icpe: !noICPE, width: picture.width, height: picture.height,
                upsampling: upsampling ?? .unrecorded)
        }
        if !instances.isEmpty && !config.useInstanceEdges && !(config.useICPE && !noICPE) {
            FileHandle.standardError.write(
                Data(
                    "clade-paint: note: this model uses neither instance edges nor ICPE here, so the instance maps change nothing\n"
                        .utf8))
        }
        return Batch(
            sources: masks, requests: requests, outputs: plan.paths, style: summary,
            styleCodeOutput: writeStyleCode.flatMap { path in code.map { (path, $0) } })
    }

    /// Draws the batch: conditioning and writing overlap the generator (RenderPipeline); each line reports one
    /// picture's stages.
    private func draw(_ batch: Batch, model: ModelFile, clock: ContinuousClock) throws {
        let generator = Generator(model: model)
        let (sources, requests, outputs) = (batch.sources, batch.requests, batch.outputs)
        let notes = requests.map(note)
        let replacing = force
        let quantization = quantize
        let fast = batch.fastPNG
        let batchStart = clock.now
        let pipeline = RenderPipeline(
            condition: { index in
                let start = clock.now
                let input = try FileProblem.attributing(to: sources[index]) {
                    try requests[index].generatorInput(config: model.config, styleBank: model.styleBank)
                }
                return (input: input, conditioning: clock.now - start)
            },
            generate: { index, conditioned in
                let start = clock.now
                let image = try FileProblem.attributing(to: sources[index]) { try generator(conditioned.input) }
                return (image: image, conditioning: conditioned.conditioning, generator: clock.now - start)
            },
            write: { index, generated in
                let start = clock.now
                try FileProblem.attributing(to: outputs[index]) {
                    try PNGImage(tensor: generated.image, quantization: quantization).write(
                        to: URL(fileURLWithPath: outputs[index]), fast: fast, replacing: replacing)
                }
                let request = requests[index]
                let written = clock.now - start
                Self.say(
                    "\(sources[index]) -> \(outputs[index]): \(request.width)x\(request.height)\(notes[index]) in "
                        + "\(Self.milliseconds(generated.conditioning + generated.generator + written)) "
                        + "(conditioning \(Self.milliseconds(generated.conditioning)), generator \(Self.milliseconds(generated.generator)), "
                        + "write \(Self.milliseconds(written)))")
            })
        try pipeline.run(count: requests.count)
        let seconds = Self.seconds(clock.now - batchStart)
        Self.say(
            String(
                format: "%d pictures in %.2f s: %.2f pictures/s", requests.count, seconds,
                Double(requests.count) / seconds))
    }

    /// What the progress line says about the maps beyond the picture's size ("" when nothing).
    private func note(_ request: RenderRequest) -> String {
        switch request.conditioning {
        case .paintedGrid:
            request.labels.width == request.width && request.labels.height == request.height
                ? "" : " (grid \(request.labels.width)x\(request.labels.height) upsampled)"
        case .dataSet(let distances):
            " (\(labels?.dataSetName ?? "data set") labels \(request.labels.width)x\(request.labels.height)\(distances == nil ? "" : ", official distance map"))"
        }
    }

    /// Refuses options the model has no use for, rather than silently ignoring them.
    private func checkOptions(against config: ModelConfig, modelPath: String) throws {
        if !config.useVAE {
            let given = [
                style.map { _ in "--style" }, styleImage.map { _ in "--style-image" },
                styleCode.map { _ in "--style-code" }, writeStyleCode.map { _ in "--write-style-code" },
            ].compactMap { $0 }
            if !given.isEmpty {
                throw FileProblem(
                    file: modelPath,
                    problem: "\(given.joined(separator: ", ")): style options are not available for this model; "
                        + PaintModel.noStyleMessage)
            }
        }
        if let labels, labels.classCount != config.classCount {
            throw FileProblem(
                file: modelPath,
                problem:
                    "--labels \(labels.rawValue): \(labels.dataSetName) labels need a model with \(labels.classCount) classes; "
                    + "this one has \(config.classCount)")
        }
        if !distances.isEmpty && !config.useICPE {
            throw FileProblem(
                file: modelPath,
                problem: "--distances: this model has no ICPE to read a distance map (use_icpe is false)")
        }
        if noICPE && !config.useICPE {
            throw FileProblem(
                file: modelPath, problem: "--no-icpe: this model has no ICPE to switch off (use_icpe is false)")
        }
    }

    private func checkStyleCodeOutput(_ path: String, plan: OutputPlan, inputs: [String]) throws {
        if OutputFile.isInput(path, inputs: inputs) {
            throw FileProblem(file: path, problem: "the style code would replace an input file")
        }
        if plan.paths.map(OutputPlan.canonical).contains(OutputPlan.canonical(path)) {
            throw FileProblem(file: path, problem: "the style code would replace a rendered picture")
        }
        try OutputFile.checkWritable(path, force: force)
    }

    /// The style for a model with a style encoder, from whichever option was given (random by default), and how it
    /// was chosen.
    private func chooseStyle(model: ModelFile, modelPath: String, clock: ContinuousClock) throws -> (
        StyleSelection, String
    ) {
        if let styleCode {
            return (
                .code(try StyleCodeFile.read(styleCode, zDim: model.config.zDim), source: styleCode),
                "from \(styleCode)"
            )
        }
        if let styleImage {
            try InputFile.checkExists(styleImage, kind: "reference picture")
            let reference = try FileProblem.attributing(to: styleImage) {
                try PNGImage.readReference(URL(fileURLWithPath: styleImage))
            }
            let start = clock.now
            let encoder = try FileProblem.attributing(to: modelPath) { try StyleEncoder(model: model) }
            let style = StyleSelection.encoding(reference, by: encoder, source: styleImage)
            return (
                style,
                "encoded from \(styleImage) (\(reference.width)x\(reference.height)) in \(Self.milliseconds(clock.now - start))"
            )
        }
        let style = (self.style ?? .random).selection { UInt64.random(in: 0 ..< 1_000_000_000) }
        if self.style == nil || self.style == .random, case .seed(let seed) = style {
            return (style, "random, seed \(seed) (again: --style \(seed))")
        }
        return (style, style.summary)
    }

    /// Writes a progress line at once (unbuffered), so each picture is reported as it is done, also into a pipe.
    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((TerminalText.escaped(line) + "\n").utf8))
    }

    /// `clade, ngf 32, 256x256, 14 classes, edges, ICPE, style encoder (z 256)`.
    static func summary(of config: ModelConfig) -> String {
        var parts = [
            config.architecture.rawValue, "ngf \(config.ngf)", "\(config.width)x\(config.height)",
            "\(config.classCount) classes",
        ]
        if config.useInstanceEdges { parts.append("edges") }
        if config.useICPE { parts.append("ICPE") }
        if config.useVAE { parts.append("style encoder (z \(config.zDim))") }
        return parts.joined(separator: ", ")
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let ms = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return ms < 10 ? String(format: "%.1f ms", ms) : "\(Int(ms.rounded())) ms"
    }
}
