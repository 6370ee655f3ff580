import Foundation
import Painter

/// The painter as the terminal drives it: the painter's state plus what only the terminal has (the open dialog,
/// the mouse button held, where the panels are). Turns keys and mouse events into painter actions; knows
/// nothing of ncurses, so every key can be tested without a terminal.
public final class PaintSession {
    public let state: PainterState
    /// The state's painting as a document: what `w`, `O` and the restore question save, open and restore.
    public let document: PaintDocument
    public let bindings: KeyBindings
    /// Where `w` saves.
    public let outputFolder: URL
    /// The paintings saved lately (nil: not kept, e.g. in tests).
    public let recent: RecentSaves?
    /// The session file of this run's last save.
    public private(set) var lastSave: URL?
    public private(set) var dialog: Dialog?
    /// The terminal's size in cells.
    public private(set) var terminalWidth: Int
    public private(set) var terminalHeight: Int
    /// Set once the person has quit.
    public private(set) var isFinished = false
    /// Whether the left mouse button went down on the canvas and has not come up yet.
    private var mouseStroke = false
    /// The autosave of an earlier painter offered in the restore question, until it is answered.
    private var offered: OrphanedAutosave?
    /// How many more autosaves of earlier painters wait for later starts.
    public let autosavesWaiting: Int
    private var writeWarnings: WriteWarnings
    /// A fill larger than `largeFillShare` waiting for a second press at the same place (drawn as a preview).
    public private(set) var pendingFill: FloodRegion?

    /// The share of the canvas above which a fill asks for a second press first.
    public static let largeFillShare = 0.25

    /// What the terminal must do after an event, beyond drawing the next frame.
    public enum Effect: Sendable, Equatable {
        case none
        /// Repaint every cell (ctrl-l).
        case repaint
        /// Leave the painter.
        case quit
    }

    /// - orphans: the autosaves earlier painters left (the newest is offered at the start; unreadable ones are named
    ///   in the status line).
    /// - recent: where saves are listed.
    /// - offerLastSave: when no autosave is offered, offer the painting a save-and-quit left in `recent` (not when the
    ///   person named a painting to open).
    public init(
        state: PainterState, outputFolder: URL, orphans: OrphanedAutosaves? = nil, recent: RecentSaves? = nil,
        offerLastSave: Bool = true, width: Int = 80, height: Int = 24
    ) {
        self.state = state
        document = PaintDocument(state)
        terminalWidth = width
        terminalHeight = height
        self.outputFolder = outputFolder
        self.recent = recent
        bindings = KeyBindings(palette: state.palette, hasStyle: state.model.hasStyle)
        writeWarnings = WriteWarnings(outputFolder: outputFolder)
        offered = orphans?.newest
        autosavesWaiting = orphans?.waiting ?? 0
        if let record = offered?.record {
            dialog = .confirm(.restore(record))
        } else if offerLastSave, let resume = recent?.resume() {
            dialog = .confirm(.resume(resume))
        }
        _ = writeWarnings.update(autosave: state.autosave?.lastError(), preview: nil)
        let problems = (orphans?.problems ?? []) + [writeWarnings.message].compactMap { $0 }
        if !problems.isEmpty { state.statusMessage = problems.joined(separator: "; ") }
    }

    public var presetNames: [String] { state.model.presetNames }

    /// Where the panels are on the terminal now (mouse hits are resolved against it).
    public var fit: Layout.Fit { PaintView.fit(state, width: terminalWidth, height: terminalHeight) }

    /// The terminal changed size.
    public func resize(width: Int, height: Int) {
        terminalWidth = width
        terminalHeight = height
    }

    /// Puts a file the painter newly cannot write (the autosave, the preview picture) in the status line, once per
    /// problem; the terminal calls it on every turn of its loop. Returns whether the message changed.
    @discardableResult
    public func noticeWriteProblems() -> Bool {
        guard
            writeWarnings.update(autosave: state.autosave?.lastError(), preview: state.renderer?.previewFile?.problem())
        else { return false }
        state.statusMessage = writeWarnings.message
        return true
    }

    @discardableResult
    public func handle(_ event: InputEvent) -> Effect {
        switch event {
        case .resize: return .none
        case .mouse(let mouse):
            if mouse.action == .press { startAction() }
            return handle(mouse)
        case .key(let key):
            // While the terminal is too small the canvas is hidden: keys would paint blind. Only quitting (and its
            // question, drawn over the message) and redrawing act.
            if case .tooSmall = fit, dialog != .confirm(.quit) {
                guard let command = bindings.command(for: key), command == .quit || command == .redraw else {
                    return .none
                }
                return perform(command)
            }
            if let dialog { return handle(key, in: dialog) }
            startAction()
            guard let command = bindings.command(for: key) else {
                state.statusMessage = "\(key) does nothing here; ? lists the keys"
                return .none
            }
            return perform(command)
        }
    }

    /// The pending fill while the action that may confirm it runs.
    private var fillAwaitingConfirmation: FloodRegion?

    /// A new key or click: the last action's message gives way to the tool's hint (`ToolHint`) unless the new action
    /// leaves one, and a large fill waiting for its second press is kept only for that press.
    private func startAction() {
        state.statusMessage = nil
        fillAwaitingConfirmation = pendingFill
        pendingFill = nil
    }

    /// Commands that keep a line going; any other ends it where its last point was set.
    private static func keepsLine(_ command: Command) -> Bool {
        switch command {
        case .move, .apply, .togglePen, .cancel, .brushSmaller, .brushLarger, .toggleBrushShape, .help, .redraw: true
        default: false
        }
    }

    /// Carries out a command of the painting screen (no dialog open).
    @discardableResult
    public func perform(_ command: Command) -> Effect {
        if state.isPressed && state.tool == .line && !Self.keepsLine(command) { state.cancelStroke() }
        switch command {
        case .move(let dx, let dy):
            state.moveCursor(dx: dx, dy: dy)
        case .apply:
            if state.tool == .fill { fill() } else { state.apply() }
        case .togglePen:
            if state.isPressed {
                state.release()
                state.statusMessage = "pen up"
            } else if state.tool == .fill {
                fill()
            } else {
                state.press()
            }
        case .tool(let tool):
            state.selectTool(tool)
        case .brushSmaller:
            state.setBrushSize(state.brushSize - 1)
        case .brushLarger:
            state.setBrushSize(state.brushSize + 1)
        case .toggleBrushShape:
            state.toggleBrushShape()
        case .newObject:
            state.newObject()
        case .undo:
            state.undo()
        case .redo:
            state.redo()
        case .clear:
            if state.isPressed { state.release() }
            dialog = .confirm(.clear)
        case .selectClass(let index):
            state.selectClass(Int32(index))
        case .nextClass, .previousClass:
            let count = state.palette.count
            let step = command == .nextClass ? 1 : count - 1
            state.selectClass(Int32((Int(state.currentClass) + step) % count))
        case .toggleICPE:
            state.toggleICPE()
        case .randomStyle:
            state.randomStyle()
        case .styleBack:
            state.styleBack()
        case .styleForward:
            state.styleForward()
        case .presetPicker:
            if !state.model.hasStyle {
                state.statusMessage = PaintModel.noStyleMessage
            } else if presetNames.isEmpty {
                state.statusMessage = "this model ships no style presets; s draws a random style"
            } else {
                var selected = 0
                if case .preset(let name) = state.style, let index = presetNames.firstIndex(of: name) {
                    selected = index
                }
                dialog = .presets(selected: selected)
            }
        case .styleFromImage:
            if state.model.hasStyle {
                dialog = .prompt(TextPrompt(title: "Style from a picture: path of a PNG"))
            } else {
                state.statusMessage = PaintModel.noStyleMessage
            }
        case .save:
            save()
        case .open:
            let saves = savedPaintings()
            if saves.isEmpty {
                state.statusMessage = "no saved paintings yet in \(outputFolder.path) (w saves one)"
            } else {
                dialog = .open(saves: Array(saves.prefix(9)), selected: 0)
            }
        case .quit:
            if state.isPressed { state.release() }
            if state.isDirty {
                dialog = .confirm(.quit)
            } else {
                return finish()
            }
        case .help:
            dialog = .help(page: 0)
        case .cancel:
            if state.isPressed && (state.tool == .line || state.tool == .rectangle) {
                // The segment or rectangle that still follows the cursor is dropped; what was set stays.
                state.cancelStroke()
                state.statusMessage = state.tool == .line ? "line ended" : "rectangle dropped"
            } else if state.isPressed {
                state.release()
                state.statusMessage = "pen up"
            }
        case .redraw:
            return .repaint
        }
        return .none
    }

    /// The fill at the cursor; one that would cover more than `largeFillShare` of the canvas first shows its region
    /// and waits for a second press at the same place.
    private func fill() {
        let region = FloodRegion(canvas: state.canvas, x: state.cursorX, y: state.cursorY)
        let paint = Cell(label: state.currentClass, instance: state.currentInstance)
        if region.share > Self.largeFillShare, state.canvas[region.x, region.y] != paint,
            fillAwaitingConfirmation != region
        {
            pendingFill = region
            state.statusMessage =
                "fill would cover \(Int((region.share * 100).rounded()))% of the canvas: "
                + "press again to fill, any other key leaves it"
            return
        }
        state.apply()
    }

    private func save() {
        let files: SavedFiles
        do {
            files = try document.save(to: outputFolder)
        } catch {
            state.statusMessage = "not saved: \(error.localizedDescription)"
            return
        }
        lastSave = files.session
        do {
            try recent?.add(files.session)
        } catch {
            state.statusMessage = (state.statusMessage ?? "saved") + "; \(error.localizedDescription)"
        }
    }

    /// Quits. This painter's own autosave goes (it was saved, or the person confirmed leaving it unsaved); an earlier
    /// painter's autosave not taken over stays for the next start.
    private func finish() -> Effect {
        state.autosave?.clear()
        offered?.release()
        offered = nil
        // A run that ends right after a save leaves that painting to be offered at the next start.
        try? recent?.setResume(state.isDirty ? nil : lastSave)
        isFinished = true
        return .quit
    }

    /// The session files of the paintings saved lately: the recent list, then any other in the output folder, newest
    /// first.
    public func savedPaintings() -> [URL] {
        var saves = recent?.saves() ?? []
        let listed = Set(saves.map(\.path))
        let keys: [URLResourceKey] = [.contentModificationDateKey]
        let inFolder =
            (try? FileManager.default.contentsOfDirectory(at: outputFolder, includingPropertiesForKeys: keys)) ?? []
        let others = inFolder.filter { $0.pathExtension == "json" && !listed.contains($0.standardizedFileURL.path) }
        func modified(_ url: URL) -> Date {
            (try? url.resourceValues(forKeys: Set(keys)).contentModificationDate) ?? .distantPast
        }
        saves += others.map(\.standardizedFileURL).sorted { modified($0) > modified($1) }
        return saves
    }

    /// Opens the saved painting `url` (a session file) on the canvas.
    private func open(_ url: URL) {
        do {
            try document.open(
                SessionDocument(contentsOf: url, palette: state.model.palette, config: state.model.config))
        } catch {
            state.statusMessage = "not opened: \(error.localizedDescription)"
        }
    }

    // MARK: Dialogs

    private func handle(_ key: Key, in dialog: Dialog) -> Effect {
        switch dialog {
        case .help(let page):
            switch key {
            case .character(" "), .right, .pageDown, .character("l"), .character("j"), .down:
                let pages = PaintView.helpOverlay(self, width: terminalWidth, height: terminalHeight).pages.count
                self.dialog = page + 1 < pages ? .help(page: page + 1) : nil
            case .left, .pageUp, .character("h"), .character("k"), .up:
                self.dialog = .help(page: max(0, page - 1))
            default:
                self.dialog = nil
            }
        case .confirm(let question):
            return answer(question, key: key)
        case .prompt(var prompt):
            switch key {
            case .escape:
                self.dialog = nil
                state.statusMessage = "cancelled"
            case .enter:
                self.dialog = nil
                styleFromImage(prompt)
            case .backspace:
                if !prompt.text.isEmpty { prompt.text.removeLast() }
                self.dialog = .prompt(prompt)
            case .character(let character)
            where !(character.unicodeScalars.first?.properties.generalCategory == .control):
                prompt.text.append(character)
                self.dialog = .prompt(prompt)
            default:
                break
            }
        case .presets(let selected):
            let names = presetNames
            switch key {
            case .escape, .character("q"), .character("p"):
                self.dialog = nil
            case .up, .character("k"), .backTab:
                self.dialog = .presets(selected: (selected + names.count - 1) % names.count)
            case .down, .character("j"), .tab:
                self.dialog = .presets(selected: (selected + 1) % names.count)
            case .enter, .character(" "):
                self.dialog = nil
                state.selectPreset(names[selected])
            case .character(let character):
                if let number = character.wholeNumberValue, number >= 1, number <= names.count {
                    self.dialog = nil
                    state.selectPreset(names[number - 1])
                }
            default:
                break
            }
        case .open(let saves, let selected):
            switch key {
            case .escape, .character("q"), .character("O"):
                self.dialog = nil
            case .up, .character("k"), .backTab:
                self.dialog = .open(saves: saves, selected: (selected + saves.count - 1) % saves.count)
            case .down, .character("j"), .tab:
                self.dialog = .open(saves: saves, selected: (selected + 1) % saves.count)
            case .enter, .character(" "):
                choose(saves[selected])
            case .character(let character):
                if let number = character.wholeNumberValue, number >= 1, number <= min(9, saves.count) {
                    choose(saves[number - 1])
                }
            default:
                break
            }
        }
        return .none
    }

    /// A painting chosen in the open dialog: opened, or first a question when the canvas has unsaved changes.
    private func choose(_ url: URL) {
        dialog = state.isDirty ? .confirm(.openUnsaved(url)) : nil
        if !state.isDirty { open(url) }
    }

    private func answer(_ question: Confirmation, key: Key) -> Effect {
        let yes = key == .character("y") || key == .character("Y")
        let no = key == .character("n") || key == .character("N") || key == .escape
        switch question {
        case .quit:
            if yes { return finish() }
            if key == .character("w") {
                dialog = nil
                save()
                return state.isDirty ? .none : finish()
            }
            if no {
                dialog = nil
                state.statusMessage = "keep painting"
            }
        case .clear:
            if yes {
                dialog = nil
                state.clear()
            } else if no {
                dialog = nil
                state.statusMessage = "not cleared"
            }
        case .restore(let record):
            guard yes || no else { break }
            dialog = nil
            let orphan = offered
            offered = nil
            if yes {
                do {
                    try document.restore(record)
                } catch {
                    // Kept for a start with the model it fits.
                    orphan?.release()
                    state.statusMessage =
                        "not restored: \(error.localizedDescription); it stays in \(orphan?.url.path ?? "the state folder")"
                    return .none
                }
            } else {
                state.statusMessage = "started afresh (the earlier painting is kept until you paint)"
            }
            // This painter's own file holds the restored painting from now on (written at once, so that quitting
            // without saving, once confirmed, leaves no copy behind), or the new paint once there is some.
            if let orphan, let autosave = state.autosave {
                autosave.supersede(orphan)
                if yes {
                    autosave.schedule(state.autosaveRecord)
                    autosave.flush()
                }
            } else {
                orphan?.release()
            }
        case .resume(let url):
            if yes {
                dialog = nil
                open(url)
            } else if no {
                dialog = nil
                try? recent?.setResume(nil)
                state.statusMessage = "started afresh (O opens a saved painting)"
            }
        case .openUnsaved(let url):
            if yes {
                dialog = nil
                open(url)
            } else if key == .character("w") {
                dialog = nil
                save()
                if !state.isDirty { open(url) }
            } else if no {
                dialog = nil
                state.statusMessage = "keep painting"
            }
        }
        return .none
    }

    private func styleFromImage(_ prompt: TextPrompt) {
        let url = prompt.url()
        guard !prompt.text.trimmingCharacters(in: .whitespaces).isEmpty else {
            state.statusMessage = "no file given"
            return
        }
        guard FileManager.default.fileExists(atPath: url.path) else {
            state.statusMessage = "no such file: \(url.path)"
            return
        }
        do {
            try state.setStyleFromImage(url)
        } catch {
            state.statusMessage = "\(url.lastPathComponent): \(error.localizedDescription)"
        }
    }

    // MARK: Mouse

    private func handle(_ mouse: MouseEvent) -> Effect {
        if let dialog {
            // A click closes the help; other dialogs want a key.
            if case .help = dialog, mouse.action == .press { self.dialog = nil }
            return .none
        }
        guard case .fits(let layout) = fit else { return .none }
        let canvas = state.canvas
        switch (mouse.button, mouse.action) {
        case (.left, .press):
            if let cell = layout.canvasCell(
                atX: mouse.x, y: mouse.y, gridWidth: canvas.gridWidth, gridHeight: canvas.gridHeight)
            {
                if state.isPressed { state.release() }
                state.setCursor(x: cell.x, y: cell.y)
                if state.tool == .fill { fill() } else { state.press() }
                mouseStroke = state.isPressed
            } else if let index = layout.paletteClass(
                atX: mouse.x, y: mouse.y, current: Int(state.currentClass), classCount: state.palette.count)
            {
                state.selectClass(Int32(index))
            }
        case (.left, .drag):
            guard mouseStroke,
                let cell = layout.canvasCell(
                    atX: mouse.x, y: mouse.y, gridWidth: canvas.gridWidth, gridHeight: canvas.gridHeight, clamped: true)
            else { break }
            state.drag(to: cell.x, y: cell.y)
        case (_, .release):
            guard mouseStroke else { break }
            mouseStroke = false
            if let cell = layout.canvasCell(
                atX: mouse.x, y: mouse.y, gridWidth: canvas.gridWidth, gridHeight: canvas.gridHeight, clamped: true)
            {
                state.drag(to: cell.x, y: cell.y)
            }
            state.release()
        case (.right, .press):
            guard
                let cell = layout.canvasCell(
                    atX: mouse.x, y: mouse.y, gridWidth: canvas.gridWidth, gridHeight: canvas.gridHeight)
            else { break }
            // The eyedropper without leaving the current tool.
            state.pick(at: cell.x, y: cell.y)
        case (.wheelUp, .press):
            state.setBrushSize(state.brushSize + 1)
        case (.wheelDown, .press):
            state.setBrushSize(state.brushSize - 1)
        default:
            break
        }
        return .none
    }
}
