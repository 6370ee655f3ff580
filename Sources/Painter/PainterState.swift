import CLADE
import Foundation
import ImageFiles

/// The painter without a terminal: the editing of a painting (canvas, cursor, tools, undo, style and ICPE).
///
/// A class used from one thread (the UI loop). Every change to what the picture depends on sends a render
/// request to `renderer` (when given) and schedules an autosave (when given). One user action is one undo step:
/// a whole stroke from `press()` to `release()`, one fill, one clear. The canvas draws the shapes
/// (`Canvas.drawLine`, `fillRectangle`, `fill`); `PaintDocument` saves, opens and restores the painting.
public final class PainterState {
    public let model: PaintModel
    /// The picture size in pixels.
    public let pictureWidth: Int
    public let pictureHeight: Int
    public let renderer: RenderController?
    public let autosave: Autosave?

    public private(set) var canvas: Canvas
    /// The starting scene at the canvas's size: the eraser paints its cells back, `clear()` returns to it.
    public private(set) var baseScene: Canvas
    public private(set) var cursorX = 0
    public private(set) var cursorY = 0
    public private(set) var currentClass: Int32
    /// The instance id strokes paint: 0 (plain) until `newObject()`, again 0 after `selectClass(_:)`.
    public private(set) var currentInstance: Int32 = 0
    public private(set) var tool: Tool = .brush
    /// The last of brush, line and rectangle chosen: where a class change leaves the fill, eraser or eyedropper for.
    public private(set) var drawingTool: Tool = .brush
    /// 1 ... 9 cells across on the default grid (`brushSizes`).
    public private(set) var brushSize = 1
    public var brushShape: BrushShape = .round
    public private(set) var icpe: Bool
    /// How the grid reaches the picture: the painter's method for new paintings, the recorded one (or the class vote
    /// where none is recorded) for saved and autosaved ones, so that they keep their pictures.
    public private(set) var upsampling: LabelUpsampling.Method
    public private(set) var styleHistory: StyleHistory
    public private(set) var undoHistory: UndoHistory
    /// Whether anything changed since the last save (or since the start).
    public internal(set) var isDirty = false
    /// The newest message for the status line (what an action did, or why it did nothing).
    public var statusMessage: String?
    /// Counts changes to what the picture depends on; a UI can compare it to decide to redraw.
    public private(set) var revision = 0

    /// An action in progress between `press()` and `release()`.
    private struct Stroke {
        let before: Canvas
        let startX: Int, startY: Int
        var lastX: Int, lastY: Int
    }
    private var stroke: Stroke?
    /// The tool the eyedropper hands back to after its pick.
    public private(set) var toolAfterPick: Tool = .brush
    private var largestIssuedInstance: Int32 = 0
    private let seedSource: () -> UInt64

    /// The brush sizes: 1 ... 9 cells on the default grid; on a finer grid the largest reaches as far into the
    /// picture (1 ... 18 on a 64x64 canvas for 256x256).
    public var brushSizes: ClosedRange<Int> {
        let defaultWidth = Self.defaultGrid(width: pictureWidth, height: pictureHeight).width
        return 1 ... 9 * max(1, canvas.gridWidth / defaultWidth)
    }
    /// The largest instance id a save can hold (16-bit instance maps).
    public static let maximumInstance: Int32 = 65535

    /// The preset the painter starts on: `noon`, else the model's first preset by name; a random style for a model
    /// without presets, `.none` for one without a style encoder.
    public static let startingPreset = "noon"

    static func startingStyle(model: PaintModel, seedSource: () -> UInt64) -> StyleSelection {
        guard model.hasStyle else { return .none }
        if model.config.stylePresets[startingPreset] != nil { return .preset(startingPreset) }
        return model.presetNames.first.map(StyleSelection.preset) ?? .seed(seedSource())
    }

    /// Pixels per side of a canvas cell: the default grid's (32x32 for 256x256, what the bundled model was trained
    /// on), and the finer grid's that the painter takes where the terminal has room for it (64x64 for 256x256).
    public static let defaultCell = 8
    public static let fineCell = 4

    /// The grid for a picture: one cell per `cell x cell` pixels.
    public static func defaultGrid(width: Int, height: Int, cell: Int = defaultCell) -> (width: Int, height: Int) {
        (max(1, width / cell), max(1, height / cell))
    }

    /// - canvas: the painting to start from (a saved mask, a restored autosave); nil starts from the scene of
    ///   `grid` cells (default: `defaultGrid`).
    /// - style: the style to start with (checked by the caller: `StyleSelection.styleCode(config:bank:)`); nil starts
    ///   on `startingStyle` (the preset noon where the model has it).
    /// - seedSource: draws the seeds of random styles.
    /// - upsampling: how the grid reaches the picture (a mask opened without its session: the class vote it was
    ///   drawn with).
    public init(
        model: PaintModel, width: Int? = nil, height: Int? = nil, grid: (width: Int, height: Int)? = nil,
        canvas: Canvas? = nil, renderer: RenderController? = nil, autosave: Autosave? = nil,
        style: StyleSelection? = nil,
        seedSource: @escaping () -> UInt64 = { UInt64.random(in: 0 ..< 1_000_000_000) },
        upsampling: LabelUpsampling.Method = .painter
    ) {
        self.upsampling = upsampling
        let config = model.config
        self.model = model
        pictureWidth = width ?? config.width
        pictureHeight = height ?? config.height
        self.renderer = renderer
        self.autosave = autosave
        self.seedSource = seedSource
        let grid = grid ?? Self.defaultGrid(width: pictureWidth, height: pictureHeight)
        baseScene = Canvas.scene(
            width: canvas?.gridWidth ?? grid.width, height: canvas?.gridHeight ?? grid.height,
            classes: config.classNames)
        self.canvas = canvas ?? baseScene
        largestIssuedInstance = self.canvas.largestInstance
        currentClass = Int32(baseScene.cells.last?.label ?? 0)
        icpe = config.useICPE
        styleHistory = StyleHistory(style ?? Self.startingStyle(model: model, seedSource: seedSource))
        undoHistory = UndoHistory()
        cursorX = self.canvas.gridWidth / 2
        cursorY = self.canvas.gridHeight / 2
    }

    public var style: StyleSelection { styleHistory.current }
    public var isPressed: Bool { stroke != nil }
    public var palette: [PaletteEntry] { model.entries }

    /// The request for the picture of the current state.
    public var renderRequest: RenderRequest {
        RenderRequest(
            labels: canvas.labels, instances: canvas.instances, style: style,
            icpe: icpe && model.config.useICPE, width: pictureWidth, height: pictureHeight, upsampling: upsampling)
    }

    /// Sends the current state to the renderer (done after every change; call it once at start).
    public func requestRender() {
        renderer?.submit(renderRequest)
    }

    // MARK: Cursor

    /// Moves the cursor, clamped to the canvas; while pressed, this drags the tool along.
    public func moveCursor(dx: Int, dy: Int) {
        let (x, y) = clamped(x: cursorX + dx, y: cursorY + dy)
        if isPressed { drag(to: x, y: y) } else { (cursorX, cursorY) = (x, y) }
    }

    /// Places the cursor, clamped to the canvas; while pressed, this drags the tool along.
    public func setCursor(x: Int, y: Int) {
        let (x, y) = clamped(x: x, y: y)
        if isPressed { drag(to: x, y: y) } else { (cursorX, cursorY) = (x, y) }
    }

    // MARK: Choices

    /// Makes `label` the current class; strokes go back to instance 0 (a fresh object needs `newObject()`).
    public func selectClass(_ label: Int32) {
        guard label >= 0 && Int(label) < model.config.classCount else {
            statusMessage = "class \(label) is not a class of this model (0 ..< \(model.config.classCount))"
            return
        }
        currentClass = label
        currentInstance = 0
        statusMessage = "class: \(model.entries[Int(label)].name)"
        // Choosing a class means painting with it next: a fill or eraser left selected would flood or erase on the
        // next press instead.
        if tool == .fill || tool == .eraser || tool == .eyedropper {
            tool = drawingTool
            statusMessage! += " (tool: \(tool.rawValue))"
        }
    }

    public func selectTool(_ tool: Tool) {
        if isPressed { release() }
        if tool.isDrawingTool { drawingTool = tool }
        if tool == .eyedropper && self.tool != .eyedropper { toolAfterPick = self.tool }
        self.tool = tool
        statusMessage = "tool: \(tool.rawValue)"
    }

    /// Sets the brush size, clamped to `brushSizes`.
    public func setBrushSize(_ size: Int) {
        brushSize = min(max(size, brushSizes.lowerBound), brushSizes.upperBound)
        statusMessage = "brush: \(brushSize) \(brushShape.rawValue)"
    }

    public func toggleBrushShape() {
        brushShape = brushShape == .round ? .square : .round
        statusMessage = "brush: \(brushSize) \(brushShape.rawValue)"
    }

    /// Gives the strokes that follow a fresh instance id, so an object of the current class touching another one
    /// of the same class stays a separate object (edges and ICPE tell them apart).
    public func newObject() {
        let next = max(largestIssuedInstance, canvas.largestInstance) + 1
        guard next <= Self.maximumInstance else {
            statusMessage = "no instance ids left (a saved instance map holds at most \(Self.maximumInstance))"
            return
        }
        largestIssuedInstance = next
        currentInstance = next
        statusMessage = "new object: instance \(next)"
    }

    // MARK: Tools

    /// Starts the current tool at the cursor. Fill and eyedropper act at once; brush, eraser, line and rectangle
    /// continue with `drag(to:)` and end with `release()`.
    public func press() {
        if isPressed { release() }
        switch tool {
        case .fill:
            fill(x: cursorX, y: cursorY)
        case .eyedropper:
            pick(at: cursorX, y: cursorY)
            // A pick is a step on the way to painting: back to the tool it interrupted.
            tool = toolAfterPick
            statusMessage! += ", back to the \(tool.rawValue)"
        case .brush, .eraser, .line, .rectangle:
            stroke = Stroke(before: canvas, startX: cursorX, startY: cursorY, lastX: cursorX, lastY: cursorY)
            drawStroke(to: cursorX, y: cursorY)
        }
    }

    /// Uses the tool at the cursor once (the painter's space key). The brush and eraser paint their footprint, the
    /// fill fills and the eyedropper picks. A line or rectangle takes two: the first starts it, the second sets its
    /// end; a line then goes on from that point (a polyline) until `cancelStroke()` drops the segment that follows
    /// the cursor.
    public func apply() {
        if isPressed {
            release()
            if tool == .line { press() }
            return
        }
        let startsShape = tool == .line || tool == .rectangle
        press()
        if !startsShape { release() }
    }

    /// Takes the class and instance of the cell at `(x, y)` (clamped) as the current ones, whatever the tool (the
    /// eyedropper's pick, a right click), and puts the cursor there; a stroke in progress ends first.
    public func pick(at x: Int, y: Int) {
        if isPressed { release() }
        (cursorX, cursorY) = clamped(x: x, y: y)
        let cell = canvas[cursorX, cursorY]
        currentClass = cell.label
        currentInstance = cell.instance
        statusMessage =
            "picked \(model.entries[Int(cell.label)].name)" + (cell.instance == 0 ? "" : " (instance \(cell.instance))")
    }

    /// Moves the cursor to `(x, y)` (clamped) with the tool pressed: the brush and eraser paint along the way,
    /// line and rectangle show the shape from the press to here.
    public func drag(to x: Int, y: Int) {
        let (x, y) = clamped(x: x, y: y)
        (cursorX, cursorY) = (x, y)
        if isPressed { drawStroke(to: x, y: y) }
    }

    /// Ends the stroke: one undo step if it changed the canvas.
    public func release() {
        guard let stroke else { return }
        self.stroke = nil
        if canvas != stroke.before { commit(before: stroke.before) }
    }

    /// Drops the stroke in progress: the canvas goes back to how it was at the press, with no undo step (e.g. the
    /// segment a line still follows the cursor with when the person ends the line).
    public func cancelStroke() {
        guard let stroke else { return }
        self.stroke = nil
        if canvas != stroke.before {
            canvas = stroke.before
            changed()
        }
    }

    /// Where the stroke in progress started (a line's or rectangle's first corner), if one is.
    public var strokeStart: (x: Int, y: Int)? { stroke.map { ($0.startX, $0.startY) } }

    /// The cells a brush of the current size and shape covers at `(x, y)`, inside the canvas.
    public func brushCells(x: Int, y: Int) -> [(x: Int, y: Int)] {
        canvas.cells(under: brushShape.offsets(size: brushSize), atX: x, y: y)
    }

    private func drawStroke(to x: Int, y: Int) {
        guard var stroke else { return }
        let paint = Cell(label: currentClass, instance: currentInstance)
        let footprint = brushShape.offsets(size: brushSize)
        var next: Canvas
        switch tool {
        case .brush:
            next = canvas
            next.drawLine(fromX: stroke.lastX, fromY: stroke.lastY, toX: x, toY: y, footprint: footprint) { _, _ in
                paint
            }
        case .eraser:
            next = canvas
            next.drawLine(fromX: stroke.lastX, fromY: stroke.lastY, toX: x, toY: y, footprint: footprint) {
                baseScene[$0, $1]
            }
        case .line:
            // Each drag redraws the line from the press on the canvas as it was then, so it leaves no trail.
            next = stroke.before
            next.drawLine(fromX: stroke.startX, fromY: stroke.startY, toX: x, toY: y, footprint: footprint) { _, _ in
                paint
            }
        case .rectangle:
            next = stroke.before
            next.fillRectangle(fromX: stroke.startX, fromY: stroke.startY, toX: x, toY: y, with: paint)
        case .fill, .eyedropper:
            return
        }
        stroke.lastX = x
        stroke.lastY = y
        self.stroke = stroke
        if next != canvas {
            canvas = next
            changed()
        }
    }

    /// Flood-fills the 4-connected region of cells equal to the one at `(x, y)` (`FloodRegion`) with the current
    /// class and instance; one undo step.
    private func fill(x: Int, y: Int) {
        let paint = Cell(label: currentClass, instance: currentInstance)
        guard canvas[x, y] != paint else {
            statusMessage = "fill: the region already is \(model.entries[Int(paint.label)].name)"
            return
        }
        let before = canvas
        canvas.fill(FloodRegion(canvas: canvas, x: x, y: y), with: paint)
        changed()
        commit(before: before)
    }

    // MARK: History

    public func undo() {
        if isPressed { release() }
        guard let previous = undoHistory.undo(from: canvas) else {
            statusMessage = "nothing to undo"
            return
        }
        canvas = previous
        statusMessage = "undone (\(undoHistory.undoCount) more)"
        changed()
        scheduleAutosave()
    }

    public func redo() {
        if isPressed { release() }
        guard let next = undoHistory.redo(from: canvas) else {
            statusMessage = "nothing to redo"
            return
        }
        canvas = next
        statusMessage = "redone (\(undoHistory.redoCount) more)"
        changed()
        scheduleAutosave()
    }

    /// Returns to the starting scene; one undo step.
    public func clear() {
        if isPressed { release() }
        guard canvas != baseScene else {
            statusMessage = "the canvas is already clear"
            return
        }
        let before = canvas
        canvas = baseScene
        statusMessage = "cleared"
        changed()
        commit(before: before)
    }

    // MARK: Style and ICPE

    public func toggleICPE() {
        guard model.config.useICPE else {
            statusMessage = "this model has no ICPE"
            return
        }
        icpe.toggle()
        statusMessage = "ICPE \(icpe ? "on" : "off")"
        changed()
        scheduleAutosave()
    }

    /// A new random style (a fresh seed), added to the style history.
    public func randomStyle() {
        guard requireStyle() else { return }
        chooseStyle(.seed(seedSource()))
    }

    public func styleBack() {
        guard requireStyle() else { return }
        guard styleHistory.back() else {
            statusMessage = "no earlier style"
            return
        }
        styleChanged()
    }

    public func styleForward() {
        guard requireStyle() else { return }
        guard styleHistory.forward() else {
            statusMessage = "no later style"
            return
        }
        styleChanged()
    }

    /// One of `model.presetNames`.
    public func selectPreset(_ name: String) {
        guard requireStyle() else { return }
        guard model.config.stylePresets[name] != nil else {
            statusMessage = "no style preset '\(name)'"
            return
        }
        chooseStyle(.preset(name))
    }

    /// Draws with `style` from now on, e.g. a seed or preset given on the command line.
    /// - Throws: `PainterError` when the model has no style encoder or the style does not fit it.
    public func selectStyle(_ style: StyleSelection) throws {
        guard model.hasStyle else { throw PainterError(PaintModel.noStyleMessage) }
        _ = try style.styleCode(config: model.config, bank: model.styleBank)
        chooseStyle(style)
    }

    /// The style of a reference picture (PNG): the style encoder's mu.
    /// - Throws: `PainterError` for a model without encoder, `ImageFileError` for an unreadable picture.
    public func setStyleFromImage(_ url: URL) throws {
        guard let encoder = model.encoder else {
            statusMessage = PaintModel.noStyleMessage
            throw PainterError(PaintModel.noStyleMessage)
        }
        chooseStyle(.encoding(try PNGImage.readReference(url), by: encoder, source: url.lastPathComponent))
    }

    private func requireStyle() -> Bool {
        if model.hasStyle { return true }
        statusMessage = PaintModel.noStyleMessage
        return false
    }

    private func chooseStyle(_ style: StyleSelection) {
        styleHistory.push(style)
        styleChanged()
    }

    private func styleChanged() {
        statusMessage = "style: \(style.summary)"
        changed()
        scheduleAutosave()
    }

    // MARK: Autosave

    public var autosaveRecord: AutosaveRecord {
        AutosaveRecord(
            savedAt: Date(), model: model.path, width: pictureWidth, height: pictureHeight, canvas: canvas,
            currentClass: currentClass, style: style, icpe: icpe, upsampling: upsampling)
    }

    /// Carries on with the painting of `record` (checked against the model by `PaintDocument`): its canvas, current
    /// class, style, ICPE and upsampling (the class vote where the record has none). A canvas of this grid replaces the current one as one undo step; one of another grid
    /// brings its own starting scene and a fresh undo history.
    func load(_ record: AutosaveRecord) {
        if isPressed { release() }
        let painting = record.canvas
        if painting.gridWidth != canvas.gridWidth || painting.gridHeight != canvas.gridHeight {
            baseScene = Canvas.scene(
                width: painting.gridWidth, height: painting.gridHeight, classes: model.config.classNames)
            undoHistory = UndoHistory(limit: undoHistory.limit)
            canvas = painting
            cursorX = min(cursorX, canvas.gridWidth - 1)
            cursorY = min(cursorY, canvas.gridHeight - 1)
        } else if painting != canvas {
            let before = canvas
            canvas = painting
            undoHistory.record(before: before)
        }
        largestIssuedInstance = max(largestIssuedInstance, canvas.largestInstance)
        currentClass = record.currentClass
        currentInstance = 0
        icpe = record.icpe && model.config.useICPE
        upsampling = record.upsampling ?? .unrecorded
        if record.style != style { styleHistory.push(record.style) }
        changed()
        scheduleAutosave()
    }

    // MARK: Change bookkeeping

    private func clamped(x: Int, y: Int) -> (Int, Int) {
        (min(max(x, 0), canvas.gridWidth - 1), min(max(y, 0), canvas.gridHeight - 1))
    }

    /// The picture depends on something new: re-render and mark unsaved.
    private func changed() {
        revision += 1
        isDirty = true
        requestRender()
    }

    /// Ends an action that changed the canvas from `before`: one undo step, and an autosave.
    private func commit(before: Canvas) {
        undoHistory.record(before: before)
        scheduleAutosave()
    }

    private func scheduleAutosave() {
        autosave?.schedule(autosaveRecord)
    }
}
