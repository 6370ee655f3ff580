import Foundation
import Painter

/// The painter's main loop: reads the terminal (polling every 40 ms, so finished renders show up without a key
/// press), hands events to the session, picks up the renderer's newest status and picture, and shows a new frame
/// whenever something changed.
public enum PaintApp {
    /// How the painter ended.
    public enum Ending: Sendable, Equatable {
        /// The person quit.
        case quit
        /// SIGINT, SIGTERM or SIGHUP: the terminal was restored and the autosave written; exit with 128 + signal.
        case signal(Int32)
    }

    static let pollMilliseconds: Int32 = 40

    /// Runs the painter on this terminal until the person quits or a signal arrives; the terminal is restored on
    /// every way out (a crash included, see `TerminalRescue`).
    /// - preview: how to show the picture (nil: ask the terminal, before ncurses takes it; see `TerminalGraphics`).
    public static func run(_ session: PaintSession, preview: PreviewMode? = nil) throws -> Ending {
        let signals = SignalWatch()
        try CursesTerminal.checkTerminal()
        let graphics = TerminalGraphics.detect(preference: preview)
        TerminalRescue.install()
        let terminal = try CursesTerminal()
        var pixels = graphics.mode == .blocks ? nil : PixelPreview(graphics: graphics)
        defer {
            if var shown = pixels { terminal.writeRaw(shown.remove()) }
            terminal.stop()
        }
        let state = session.state
        state.requestRender()
        var decoder = InputDecoder()
        var preview = PreviewCache()
        var repaint = true
        var changed = true
        var lastRender = ""
        var size = terminal.size
        session.resize(width: size.width, height: size.height)

        while true {
            if let signal = signals.received {
                if state.isDirty { state.autosave?.schedule(state.autosaveRecord) }
                state.autosave?.flush()
                return .signal(signal)
            }
            let inputs = terminal.read(timeoutMilliseconds: pollMilliseconds)
            let events = inputs.isEmpty ? decoder.flush() : decoder.feed(inputs)
            for event in events {
                changed = true
                if event == .resize || terminal.size != size {
                    size = terminal.size
                    session.resize(width: size.width, height: size.height)
                    repaint = true
                }
                switch session.handle(event) {
                case .quit: return .quit
                case .repaint: repaint = true
                case .none: break
                }
            }
            if session.noticeWriteProblems() { changed = true }
            let status = state.renderer?.latest() ?? .idle
            let result = state.renderer?.latestResult()
            let render =
                PaintView.renderSummary(status)
                + " \(result?.generation ?? 0)\(result?.isDraft == true ? " draft" : "")"
            if render != lastRender {
                lastRender = render
                changed = true
            }
            guard changed || repaint else { continue }
            var picture: HalfBlockPicture?
            // Where a terminal image shows the picture: the panel's inside, unless a dialog or the help covers it.
            var imageArea: Rect?
            if case .fits(let layout) = session.fit, let result {
                if pixels == nil {
                    picture = preview.picture(
                        of: result, width: layout.previewPixelWidth, height: layout.previewPixelHeight,
                        colors: terminal.colorMode)
                } else if session.dialog == nil {
                    imageArea = layout.previewArea
                }
            }
            let screen = PaintView.draw(
                session, width: size.width, height: size.height, render: status, picture: picture,
                colors: terminal.colorMode, imageArea: pixels != nil && result != nil)
            if let shown = pixels, shown.isShown, imageArea == nil, shown.removalNeedsRepaint { repaint = true }
            terminal.show(screen, repaint: repaint)
            if var shown = pixels {
                terminal.writeRaw(shown.update(result: result, area: imageArea, repainted: repaint))
                pixels = shown
            }
            changed = false
            repaint = false
        }
    }
}

/// The newest picture scaled for the preview panel (and dithered to the terminal's palette where it has one), made
/// again only when the picture or the panel changes.
struct PreviewCache {
    /// A request's draft and final picture share a generation, so the key tells them apart.
    private var key: (generation: UInt64, isDraft: Bool, width: Int, height: Int, colors: ColorMode)?
    private var picture: HalfBlockPicture?

    mutating func picture(of result: RenderResult, width: Int, height: Int, colors: ColorMode) -> HalfBlockPicture {
        if let key, let picture, key == (result.generation, result.isDraft, width, height, colors) { return picture }
        var scaled = HalfBlockPicture(result.image, width: width, height: height)
        if let palette = PaletteDithering(mode: colors) { scaled = palette.apply(to: scaled) }
        key = (result.generation, result.isDraft, width, height, colors)
        picture = scaled
        return scaled
    }
}
