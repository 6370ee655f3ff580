import ArgumentParser
import CLADE
import Foundation
import ImageFiles
import PaintTUI
import Painter

/// `clade-paint paint` (also `clade-paint` alone): the full-screen painter.
struct Paint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Paint a layout in the terminal; the picture follows as you paint (the default command).",
        discussion: """
            Keys: arrows or hjkl move, space paints, 1-9 and the palette's letters choose classes, s tries a style, \
            w saves, O opens a saved painting, q quits; ? shows every key and where the files are. The newest picture \
            is also written to preview.png in the state folder, and the painting is autosaved there as you go (see \
            --state-dir); after a crash the next start offers to restore it, after a save and a quit that painting. Each change is drawn first as a small draft (the status \
            line says "draft"), then at full size once you pause (see --drafts).
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var paletteOption: PaletteOption

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The canvas in cells. Default: one cell per 4x4 pixels where the terminal has room for it without shrinking the picture (64x64 for 256x256 at 160x50), else one per 8x8 (32x32).",
            valueName: "WxH"))
    var grid: PictureSize?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The picture size, one the model draws (docs/model-format.md, \"Picture sizes\"). Default: the model's size.",
            valueName: "WxH"))
    var size: PictureSize?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Open a saved mask (a painted grid or a mask at most the picture's size); a <name>.instances.png next to a <name>.mask.png is read with it.",
            valueName: "mask.png"))
    var mask: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The instance map for --mask (8/16-bit grey PNG, the mask's size).", valueName: "inst.png"))
    var instances: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Open a saved painting (the .json a save writes) with its mask, instances, style, ICPE and size.",
            discussion: "Its model is used unless --model is given.", valueName: "saved.json"))
    var session: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Start with this style: a preset of the model, or a seed (a whole number). Default: a random seed.",
            valueName: "name|seed"))
    var style: StyleChoice?

    @Option(
        name: .customLong("style-image"),
        help: ArgumentHelp(
            "Start with the style of a reference picture (PNG), via the model's style encoder.", valueName: "ref.png"))
    var styleImage: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where w saves <name>-NNN.png, .mask.png, .instances.png and .json (created if missing). Default: the current folder.",
            valueName: "dir"))
    var out: String = "."

    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp(
            "Where the autosaves (one file per running painter), the preview picture and the list of recent saves live.",
            discussion:
                "Default: $\(Autosave.folderVariable), else $XDG_STATE_HOME/clade-paint, else ~/.local/state/clade-paint.",
            valueName: "dir"))
    var stateDir: String?

    @Option(
        name: .long,
        help: ArgumentHelp("OpenBLAS threads for the generator. Default: the number of processors.", valueName: "n"))
    var threads: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "When a change is drawn first as a small draft: always, while-busy or never.",
            discussion:
                "A draft is drawn at a quarter of the picture's size (or half, where the model cannot draw a quarter), costs about a fifth of a full render and is shown upscaled, then the full-size picture follows unless you paint on first. always (the default) drafts every change; while-busy only those that come while an older one is still rendering, as in a stroke; never renders full size only. A saved picture is always the full-size one.",
            valueName: "policy"))
    var drafts: DraftPolicy = .always

    @Option(
        name: .long,
        help: ArgumentHelp(
            "How the preview shows the picture: auto, kitty, sixel, iterm2 or blocks.",
            discussion:
                "auto (the default) asks the terminal before the screen opens (XTVERSION, DA1, cell size in pixels; at most 200 ms) and falls back on TERM, TERM_PROGRAM, KITTY_WINDOW_ID and LC_TERMINAL: the kitty graphics protocol (Unicode placeholders under tmux), iTerm2 inline images, sixel where DA1 lists it, else blocks (half-block characters, every terminal). Under tmux, images need `set -g allow-passthrough on`.",
            valueName: "mode"))
    var preview: PreviewPreference = .auto

    @Flag(
        name: .customLong("keys"),
        help: "Print every key of the painter for this model's palette (a Markdown table) and exit.")
    var printKeys = false

    func validate() throws {
        if let grid, grid.width > 256 || grid.height > 256 {
            throw ValidationError("--grid \(grid.width)x\(grid.height): at most 256x256 cells")
        }
        if instances != nil && mask == nil { throw ValidationError("--instances goes with --mask.") }
        if mask != nil && grid != nil {
            throw ValidationError("Give --mask or --grid, not both: a mask brings its own grid.")
        }
        if session != nil && (mask != nil || grid != nil || size != nil) {
            throw ValidationError(
                "--session brings its own mask, grid and size: give it without --mask, --grid and --size.")
        }
        if style != nil && styleImage != nil { throw ValidationError("Give --style or --style-image, not both.") }
        try ThreadCount.validate(threads)
    }

    func run() throws {
        _ = BLASThreads.configure(threads ?? ProcessInfo.processInfo.activeProcessorCount)
        if let session { try InputFile.checkExists(session, kind: "session file") }
        let record = try session.map { path in
            try FileProblem.attributing(to: path) { try SessionRecord.read(URL(fileURLWithPath: path)) }
        }
        // A saved painting is opened with the model it was made with, unless another is named.
        var modelOptions = modelOptions
        if let record, modelOptions.model == nil { modelOptions.model = record.model }
        let (file, modelPath) = try modelOptions.loadModel()
        let config = file.config
        let picture =
            size ?? record.map { PictureSize(width: $0.width, height: $0.height) } ?? PictureSize(config: config)
        if let problem = config.sizeProblem(width: picture.width, height: picture.height) {
            throw FileProblem(
                file: modelPath,
                problem: "\(size == nil && record != nil ? "the session's size" : "--size"): \(problem)")
        }
        if let grid, grid.width > picture.width || grid.height > picture.height {
            throw ValidationError(
                "--grid \(grid.width)x\(grid.height) has more cells than the picture has pixels (\(picture.width)x\(picture.height))"
            )
        }
        let model = try paletteOption.paintModel(consume file, modelPath: modelPath)
        if printKeys {
            print(KeyBindings(palette: model.entries, hasStyle: model.hasStyle).markdown)
            return
        }
        let document = try session.map { path in
            try FileProblem.attributing(to: path) {
                try SessionDocument(contentsOf: URL(fileURLWithPath: path), palette: model.palette, config: config)
            }
        }
        let canvas =
            try document?.canvas
            ?? mask.map { try openMask($0, palette: model.palette, config: config, picture: picture) }
        let startStyle = try style.flatMap { try Self.startStyle($0, model: model, modelPath: modelPath) }
        if let styleImage { try InputFile.checkExists(styleImage, kind: "reference picture") }

        try CursesTerminal.checkTerminal()
        // Folders that cannot be made or written do not stop the painter: the status line says what cannot be
        // written (saves, the autosave, the preview picture), and painting goes on.
        let outFolder = URL(fileURLWithPath: out).standardizedFileURL
        try? FileManager.default.createDirectory(at: outFolder, withIntermediateDirectories: true)
        let stateFolder = (stateDir.map { URL(fileURLWithPath: $0) } ?? Autosave.defaultFolder()).standardizedFileURL
        let autosave = Autosave(folder: stateFolder)
        defer { autosave.close() }
        let orphans = OrphanedAutosaves.find(in: stateFolder)
        let renderer = RenderController(
            model: model, previewURL: stateFolder.appendingPathComponent("preview.png"), draftPolicy: drafts)
        // A new painting takes the finer canvas where the terminal has room for it; --grid, masks and sessions bring theirs.
        let terminalGrid =
            canvas == nil && grid == nil
            ? TerminalWindow.columnsAndRows().map { terminal in
                Layout.canvasGrid(
                    width: terminal.width, height: terminal.height, pictureWidth: picture.width,
                    pictureHeight: picture.height,
                    paletteWidth: PaintView.paletteWidth(model.entries), classCount: model.entries.count)
            } : nil
        let state = PainterState(
            model: model, width: picture.width, height: picture.height,
            grid: grid.map { ($0.width, $0.height) } ?? terminalGrid,
            canvas: canvas, renderer: renderer, autosave: autosave, style: document == nil ? startStyle : nil,
            upsampling: mask == nil ? .painter : .unrecorded)
        if let document {
            try FileProblem.attributing(to: document.url.path) { try PaintDocument(state).open(document) }
            // Another style than the saved one: a change to the saved painting.
            if let startStyle { try FileProblem.attributing(to: modelPath) { try state.selectStyle(startStyle) } }
        }
        if let styleImage {
            try FileProblem.attributing(to: styleImage) {
                try state.setStyleFromImage(URL(fileURLWithPath: styleImage))
            }
        }

        let session = PaintSession(
            state: state, outputFolder: outFolder, orphans: orphans, recent: RecentSaves(folder: stateFolder),
            offerLastSave: session == nil && mask == nil)
        let ending = try PaintApp.run(session, preview: preview.mode)
        // Let the worker leave its current generator stage before the process exits under it.
        renderer.cancel()
        renderer.wait()
        if case .signal(let number) = ending {
            autosave.close()
            let kept =
                FileManager.default.fileExists(atPath: autosave.url.path)
                ? "the painting is autosaved in \(autosave.url.path)"
                : autosave.lastError().map { "the painting is not autosaved: \($0)" } ?? "nothing was left unsaved"
            FileHandle.standardError.write(Data("clade-paint: stopped by signal \(number); \(kept)\n".utf8))
            Foundation.exit(128 + number)
        }
    }

    /// The style `--style` asks for (`random`: a fresh seed), checked against the model.
    private static func startStyle(_ choice: StyleChoice, model: PaintModel, modelPath: String) throws -> StyleSelection
    {
        guard model.config.useVAE else {
            throw FileProblem(file: modelPath, problem: "--style: \(PaintModel.noStyleMessage)")
        }
        let selection = choice.selection { UInt64.random(in: 0 ..< 1_000_000_000) }
        // Unknown presets fail here, with the model's list.
        _ = try FileProblem.attributing(to: modelPath) {
            try selection.styleCode(config: model.config, bank: model.styleBank)
        }
        return selection
    }

    /// The canvas of a saved mask and its instance map (given, or found next to a `.mask.png`), at most the picture's
    /// size.
    private func openMask(_ path: String, palette: Palette, config: ModelConfig, picture: PictureSize) throws -> Canvas
    {
        try InputFile.checkExists(path, kind: "mask file")
        if let instances { try InputFile.checkExists(instances, kind: "instance map file") }
        // The size is checked from the header, before a huge mask is decoded.
        return try FileProblem.attributing(to: path) {
            try Canvas.read(
                mask: URL(fileURLWithPath: path), instances: instances.map { URL(fileURLWithPath: $0) },
                palette: palette, classCount: config.classCount
            ) { header in
                guard header.width <= picture.width && header.height <= picture.height else {
                    throw FileProblem(
                        file: path,
                        problem:
                            "the mask is \(header.width)x\(header.height); the picture is \(picture.width)x\(picture.height): "
                            + "a mask to paint on is a grid at most the picture's size")
                }
            }
        }
    }
}

extension DraftPolicy: ExpressibleByArgument {}

/// `--preview`: a mode, or auto (nil: ask the terminal).
enum PreviewPreference: String, CaseIterable, ExpressibleByArgument {
    case auto, kitty, sixel, iterm2, blocks

    var mode: PreviewMode? { PreviewMode(rawValue: rawValue) }
}
