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

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "The picture (one mask) or an existing folder (any number of masks: <folder>/<mask name>.png).",
        discussion: "Default: <mask name>.render.png in the current folder.", valueName: "out.png|dir"))
    var output: String?

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var paletteOption: PaletteOption

    @Option(name: .long, help: ArgumentHelp(
        "An instance map (8/16-bit grey PNG, the mask's size) for the mask in the same position; give none or one per mask.",
        valueName: "inst.png"))
    var instances: [String] = []

    // Unconditional, so that `--style -1` is read as a (wrong) value rather than as a missing one.
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "The style of every picture of the run: 'random' (default; the seed is printed), a seed (whole number) or a preset named in the model.",
        valueName: "random|seed|name"))
    var style: StyleChoice?

    @Option(name: .customLong("style-image"), help: ArgumentHelp("Take the style of a reference picture (PNG), via the model's style encoder.", valueName: "ref.png"))
    var styleImage: String?

    @Option(name: .customLong("style-code"), help: ArgumentHelp("Take the style code from a JSON file (an array of z_dim numbers).", valueName: "code.json"))
    var styleCode: String?

    @Option(name: .customLong("write-style-code"), help: ArgumentHelp("Write the style code used as JSON, to render the same picture again.", valueName: "code.json"))
    var writeStyleCode: String?

    @Flag(name: .customLong("no-icpe"), help: "Switch the intra-class positional encoding off (models with ICPE).")
    var noICPE = false

    @Option(name: .long, help: ArgumentHelp("The picture size (models without a style encoder). Default: the model's size.", valueName: "WxH"))
    var size: PictureSize?

    @Option(name: .long, help: ArgumentHelp("OpenBLAS threads. Default: the number of processors.", valueName: "n"))
    var threads: Int?

    @Flag(name: .long, help: "Replace existing output files (pictures, --write-style-code); without it render refuses to overwrite.")
    var force = false

    @Option(name: .long, help: ArgumentHelp(
        "The masks are a public data set's own label files (any size, its label values), conditioned as the official SPADE/CLADE test code does.",
        discussion: "COCO-Stuff 255 and ADE20K 0 become the dontcare class. Pair with --instances as given by the data set.",
        valueName: "coco|ade20k|cityscapes"))
    var labels: DataSetLabelFormat?

    @Option(name: .long, help: ArgumentHelp(
        "An official precomputed ICPE distance map (.npy, the label file's size) for the mask in the same position; needs --labels.",
        valueName: "dist.npy"))
    var distances: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "How output values become bytes: 'round' (default) or 'truncate' as the official code's tensor2im does.",
        valueName: "round|truncate"))
    var quantize: Quantization = .round

    @Option(name: .long, help: ArgumentHelp(
        "A painting saved by the painter: its JSON names the mask, instance map, style, ICPE and size (and the model, unless --model is given).",
        discussion: "Default output: <session name>.render.png in the current folder.", valueName: "painting.json"))
    var session: String?

    func validate() throws {
        if session != nil {
            let others = [
                masks.isEmpty ? nil : "mask files", instances.isEmpty ? nil : "--instances", style.map { _ in "--style" },
                styleImage.map { _ in "--style-image" }, styleCode.map { _ in "--style-code" }, size.map { _ in "--size" },
                noICPE ? "--no-icpe" : nil, writeStyleCode.map { _ in "--write-style-code" },
                labels.map { _ in "--labels" }, distances.isEmpty ? nil : "--distances",
            ].compactMap { $0 }
            guard others.isEmpty else {
                throw ValidationError("--session brings its own mask, instances, style, ICPE and size; drop \(others.joined(separator: ", ")).")
            }
            try ThreadCount.validate(threads)
            return
        }
        guard !masks.isEmpty else { throw ValidationError("Give at least one mask file (or --session).") }
        guard instances.isEmpty || instances.count == masks.count else {
            throw ValidationError("Give --instances once per mask (\(masks.count)) or not at all; got \(instances.count).")
        }
        guard labels == nil || paletteOption.palette == nil else {
            throw ValidationError("--palette reads masks; --labels files hold the data set's own label values, drop --palette.")
        }
        guard distances.isEmpty || (labels != nil && distances.count == masks.count && !noICPE) else {
            throw ValidationError("--distances goes with --labels and ICPE on, once per mask (\(masks.count)); got \(distances.count).")
        }
        let styleSources = [style != nil, styleImage != nil, styleCode != nil].filter { $0 }.count
        guard styleSources <= 1 else { throw ValidationError("Give only one of --style, --style-image and --style-code.") }
        try ThreadCount.validate(threads)
    }

    func run() throws {
        let clock = ContinuousClock()
        let threadCount = BLASThreads.configure(threads ?? ProcessInfo.processInfo.activeProcessorCount)
        if let session { return try renderSession(session, clock: clock, threadCount: threadCount) }

        let loadStart = clock.now
        let (model, modelPath) = try modelOptions.loadModel()
        let loadTime = clock.now - loadStart
        let config = model.config
        try checkOptions(against: config, modelPath: modelPath)
        let picture = size ?? PictureSize(config: config)
        if let problem = picture.problem(for: config) { throw FileProblem(file: modelPath, problem: "--size \(picture.width)x\(picture.height): \(problem)") }
        // Data-set label files hold the data set's own values; only masks are read through the palette.
        let maskPalette = try labels == nil ? paletteOption.loadPalette(for: model, modelPath: modelPath) : nil

        // Everything that can fail is checked before the first file is written.
        let inputs = masks + instances + distances + [styleImage, styleCode, modelPath, maskPalette?.path].compactMap { $0 }
        let plan = try OutputPlan(masks: masks, output: output, inputs: inputs, force: force)
        if let writeStyleCode { try checkStyleCodeOutput(writeStyleCode, plan: plan, inputs: inputs) }
        let jobs: [any RenderJob] = try masks.enumerated().map { index, mask in
            let instancesPath = instances.isEmpty ? nil : instances[index]
            switch (labels, maskPalette) {
            case (let labels?, _):
                return try DataSetMaps(path: mask, instancesPath: instancesPath,
                                       distancesPath: distances.isEmpty ? nil : distances[index], format: labels)
            case (nil, let palette?):
                return try MaskInput(path: mask, instancesPath: instancesPath, palette: palette.palette,
                                     classCount: config.classCount, width: picture.width, height: picture.height)
            case (nil, nil):
                preconditionFailure("the palette is loaded whenever --labels is absent")
            }
        }
        let chosenStyle = try config.useVAE ? styleCode(model: model, modelPath: modelPath, clock: clock) : nil

        Self.say("model: \(modelPath) (\(Self.summary(of: config))), loaded in \(Self.milliseconds(loadTime)), \(threadCount) BLAS threads")
        if let chosenStyle { Self.say("style: \(chosenStyle.summary)") }
        if !instances.isEmpty && !config.useInstanceEdges && !(config.useICPE && !noICPE) {
            FileHandle.standardError.write(Data("clade-paint: note: this model uses neither instance edges nor ICPE here, so the instance maps change nothing\n".utf8))
        }
        if let writeStyleCode, let chosenStyle {
            try StyleCodeFile.write(chosenStyle.code, to: writeStyleCode, force: force)
            Self.say("style code written to \(writeStyleCode)")
        }

        let generator = Generator(model: model)
        let outputs = plan.paths, style = chosenStyle?.code, icpe = !noICPE, replacing = force, quantization = quantize
        let batchStart = clock.now
        // Conditioning and writing overlap the generator (RenderPipeline); each line reports one picture's stages.
        let pipeline = RenderPipeline(
            condition: { index in
                let start = clock.now
                let input = jobs[index].generatorInput(config: config, width: picture.width, height: picture.height, icpe: icpe, style: style)
                return (input: input, conditioning: clock.now - start)
            },
            generate: { index, conditioned in
                let start = clock.now
                let image = try FileProblem.attributing(to: jobs[index].path) { try generator(conditioned.input) }
                return (image: image, conditioning: conditioned.conditioning, generator: clock.now - start)
            },
            write: { index, generated in
                let start = clock.now
                try FileProblem.attributing(to: outputs[index]) {
                    try PNGImage(tensor: generated.image, quantization: quantization).write(to: URL(fileURLWithPath: outputs[index]), fast: true, replacing: replacing)
                }
                let job = jobs[index], written = clock.now - start
                Self.say("\(job.path) -> \(outputs[index]): \(picture.width)x\(picture.height)\(job.note(width: picture.width, height: picture.height)) in "
                    + "\(Self.milliseconds(generated.conditioning + generated.generator + written)) "
                    + "(conditioning \(Self.milliseconds(generated.conditioning)), generator \(Self.milliseconds(generated.generator)), "
                    + "write \(Self.milliseconds(written)))")
            })
        try pipeline.run(count: jobs.count)
        let seconds = Self.seconds(clock.now - batchStart)
        Self.say(String(format: "%d pictures in %.2f s: %.2f pictures/s", jobs.count, seconds, Double(jobs.count) / seconds))
    }

    /// Draws a saved painting again from its session JSON: the same request the painter rendered, so the same bytes.
    private func renderSession(_ path: String, clock: ContinuousClock, threadCount: Int) throws {
        try InputFile.checkExists(path, kind: "session file")
        let url = URL(fileURLWithPath: path)
        let record = try Self.painterAttributing(to: path) { try SessionRecord.read(url) }
        var options = modelOptions
        if options.model == nil { options.model = record.model }
        let loadStart = clock.now
        let (model, modelPath) = try options.loadModel()
        let loadTime = clock.now - loadStart
        let config = model.config
        // Before the mask is read and anything allocated for the picture.
        if let problem = PictureSize(width: record.width, height: record.height).problem(for: config) {
            throw FileProblem(file: path, problem: "the painting is \(record.width)x\(record.height) pixels, which \(modelPath) cannot draw: \(problem)")
        }
        let (palette, palettePath) = try paletteOption.loadPalette(for: model, modelPath: modelPath)
        let outputPath = output ?? OutputPlan.stem(of: path) + ".render.png"
        let folder = url.deletingLastPathComponent()
        let inputs = [path, modelPath, palettePath] + [record.mask, record.instances].map { folder.appendingPathComponent($0).path }
        if OutputFile.isInput(outputPath, inputs: inputs) {
            throw FileProblem(file: outputPath, problem: "the picture would replace an input file")
        }
        try OutputFile.checkWritable(outputPath, force: force)
        let request = try Self.painterAttributing(to: path) { try record.renderRequest(recordURL: url, palette: palette, config: config) }
        let input = try Self.painterAttributing(to: path) { try request.generatorInput(model: model) }
        Self.say("model: \(modelPath) (\(Self.summary(of: config))), loaded in \(Self.milliseconds(loadTime)), \(threadCount) BLAS threads")
        Self.say("style: \(record.style.summary), ICPE \(request.icpe ? "on" : "off")")
        let start = clock.now
        let image = try FileProblem.attributing(to: path) { try Generator(model: model)(input) }
        try FileProblem.attributing(to: outputPath) {
            try PNGImage(tensor: image, quantization: quantize).write(to: URL(fileURLWithPath: outputPath), replacing: force)
        }
        Self.say("\(path) -> \(outputPath): \(request.width)x\(request.height) (grid \(request.labels.width)x\(request.labels.height)) in \(Self.milliseconds(clock.now - start))")
    }

    /// Runs `body`, turning the painter's errors (which name their file) into a one-line `FileProblem`.
    private static func painterAttributing<T>(to path: String, _ body: () throws -> T) throws -> T {
        do {
            return try FileProblem.attributing(to: path, body)
        } catch let error as PainterError {
            let problem = error.problem
            // Most of the painter's messages start with the file they are about.
            if let colon = problem.range(of: ": "), problem[..<colon.lowerBound].hasSuffix(".json") || problem[..<colon.lowerBound].hasSuffix(".png") {
                throw FileProblem(file: String(problem[..<colon.lowerBound]), problem: String(problem[colon.upperBound...]))
            }
            throw FileProblem(file: path, problem: problem)
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
                throw FileProblem(file: modelPath, problem: "\(given.joined(separator: ", ")): style options are not available for this model; "
                    + PaintModel.noStyleMessage)
            }
        }
        if let labels, labels.classCount != config.classCount {
            throw FileProblem(file: modelPath, problem: "--labels \(labels.rawValue): \(labels.dataSetName) labels need a model with \(labels.classCount) classes; "
                + "this one has \(config.classCount)")
        }
        if !distances.isEmpty && !config.useICPE {
            throw FileProblem(file: modelPath, problem: "--distances: this model has no ICPE to read a distance map (use_icpe is false)")
        }
        if noICPE && !config.useICPE {
            throw FileProblem(file: modelPath, problem: "--no-icpe: this model has no ICPE to switch off (use_icpe is false)")
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

    /// The style code for a model with a style encoder, from whichever option was given (random by default).
    private func styleCode(model: ModelFile, modelPath: String, clock: ContinuousClock) throws -> (code: StyleCode, summary: String) {
        let config = model.config
        if let styleCode {
            return (try StyleCodeFile.read(styleCode, zDim: config.zDim), "from \(styleCode)")
        }
        if let styleImage {
            try InputFile.checkExists(styleImage, kind: "reference picture")
            let reference = try FileProblem.attributing(to: styleImage) { try PNGImage.readReference(URL(fileURLWithPath: styleImage)) }
            let start = clock.now
            let encoder = try FileProblem.attributing(to: modelPath) { try StyleEncoder(model: model) }
            let mu = encoder(reference.tensor).mu
            return (StyleCode(values: mu.data), "encoded from \(styleImage) (\(reference.width)x\(reference.height)) in \(Self.milliseconds(clock.now - start))")
        }
        return try (style ?? .random).resolve(model: model, modelPath: modelPath) { UInt64.random(in: 0 ..< 1_000_000_000) }
    }

    /// Writes a progress line at once (unbuffered), so each picture is reported as it is done, also into a pipe.
    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((TerminalText.escaped(line) + "\n").utf8))
    }

    /// `clade, ngf 32, 256x256, 14 classes, edges, ICPE, style encoder (z 256)`.
    static func summary(of config: ModelConfig) -> String {
        var parts = [config.architecture.rawValue, "ngf \(config.ngf)", "\(config.width)x\(config.height)", "\(config.classCount) classes"]
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
