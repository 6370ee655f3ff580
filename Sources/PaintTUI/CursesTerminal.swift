import CCurses
import Foundation

/// The ncurses edge: starts and restores the terminal, shows `Screen`s (only the cells that changed), and reads
/// input. Everything here runs on the one thread that created it.
///
/// Colour: direct colour (24 bit) when the terminal description has it, or when `COLORTERM` says truecolor or the
/// description carries the `RGB` or `Tc` flag and the matching `-direct` terminfo entry is installed (then that
/// entry is used); else the 256-colour palette, else 8 colours, else none. Colour pairs come from `alloc_pair` (extended pair numbers, passed through `setcchar`'s
/// `opts`, since `COLOR_PAIR` keeps only 8 bits).
///
/// Mouse: the painter asks the terminal for xterm button-event tracking (mode 1002: press, release and motion
/// with a button held) in SGR encoding (mode 1006) itself and decodes the reports in `InputDecoder`; ncurses' own
/// mouse support (`mousemask`) stays off, since it reports no drags with the terminal descriptions Debian
/// ships. ncurses still matches the report prefix `ESC [ <` (the `kmous` capability) and returns KEY_MOUSE,
/// which arrives here as `TerminalInput.mousePrefix`.
public final class CursesTerminal {
    public let colorMode: ColorMode
    private let screen: OpaquePointer
    private var shown: Screen?
    private var isStopped = false

    static let mouseOn = "\u{1B}[?1002h\u{1B}[?1006h"
    static let mouseOff = "\u{1B}[?1006l\u{1B}[?1002l"

    public struct NotATerminal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Takes over the terminal (alternate screen, raw keys, no echo, hidden cursor, mouse reports).
    /// - Throws: `NotATerminal` when standard input or output is not a terminal, or the terminal type is unknown.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        try Self.checkTerminal()
        setlocale(LC_ALL, "")
        // The `-direct` twin of $TERM when the environment asks for 24-bit colour and it is installed, else $TERM.
        let direct = ColorMode.directTerminfoName(environment: environment).flatMap {
            newterm($0, cp_stdout(), cp_stdin())
        }
        guard var screen = direct ?? newterm(nil, cp_stdout(), cp_stdin()) else {
            throw NotATerminal(
                description:
                    "the terminal type '\(environment["TERM"] ?? "")' is unknown to ncurses (set TERM, e.g. TERM=xterm-256color)"
            )
        }
        set_term(screen)
        // A 256-colour description that flags 24-bit colour (RGB, or tmux's Tc): its -direct twin, where installed.
        if direct == nil, tigetnum("colors") < 1 << 24, tigetflag("RGB") == 1 || tigetflag("Tc") == 1,
            let name = ColorMode.directTerminfoName(environment: environment, terminfoTrueColor: true)
        {
            endwin()
            if let twin = newterm(name, cp_stdout(), cp_stdin()) {
                delscreen(screen)
                screen = twin
            }
            set_term(screen)
        }
        self.screen = screen
        raw()
        noecho()
        nonl()
        keypad(cp_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        var colors = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colors = Int(cp_colors())
        }
        colorMode = ColorMode.forTerminal(hasColors: has_colors(), colors: colors, environment: environment)
        putp(Self.mouseOn)
        fflush(cp_stdout())
    }

    deinit { stop() }

    /// Throws `NotATerminal` unless standard input and output are a terminal.
    public static func checkTerminal() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw NotATerminal(
                description: "the painter needs a terminal (standard input and output are not one); "
                    + "use `clade-paint render` for pictures without a screen")
        }
    }

    /// Gives the terminal back as it was: mouse reports off, ncurses ended. Safe to call more than once.
    public func stop() {
        guard !isStopped else { return }
        isStopped = true
        putp(Self.mouseOff)
        endwin()
        fflush(cp_stdout())
        delscreen(screen)
    }

    /// Writes bytes ncurses knows nothing of (terminal images) after what it has sent, all of them.
    public func writeRaw(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        fflush(cp_stdout())
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && (errno == EINTR || errno == EAGAIN) {
                    continue
                } else {
                    return
                }
            }
        }
    }

    /// The terminal's size in cells.
    public var size: (width: Int, height: Int) {
        var rows: Int32 = 0
        var columns: Int32 = 0
        cp_getmaxyx(cp_stdscr(), &rows, &columns)
        return (Int(columns), Int(rows))
    }

    /// Shows `screen`: only the cells that differ from the last one shown, or all with `repaint` (after a resize,
    /// or when something else wrote over the terminal).
    public func show(_ screen: Screen, repaint: Bool = false) {
        if repaint || shown?.width != screen.width || shown?.height != screen.height {
            shown = nil
            clearok(cp_stdscr(), true)
        }
        for (x, y) in screen.changedPositions(since: shown) {
            put(screen[x, y], x: x, y: y)
        }
        wnoutrefresh(cp_stdscr())
        doupdate()
        shown = screen
    }

    private func put(_ cell: ScreenCell, x: Int, y: Int) {
        var pair: Int32 = 0
        if colorMode.hasColors {
            let foreground = colorMode.colorNumber(for: cell.style.foreground)
            let background = colorMode.colorNumber(for: cell.style.background)
            if foreground != -1 || background != -1 {
                pair = max(0, alloc_pair(foreground, background))
            }
        }
        var attributes = cp_a_normal()
        let wanted = cell.style.attributes
        if wanted.contains(.bold) { attributes |= cp_a_bold() }
        if wanted.contains(.reverse) { attributes |= cp_a_reverse() }
        if wanted.contains(.underline) { attributes |= cp_a_underline() }
        if wanted.contains(.dim) { attributes |= cp_a_dim() }
        var characters: [wchar_t] = [wchar_t(bitPattern: cell.character.unicodeScalars.first?.value ?? 32), 0]
        var complex = cchar_t()
        setcchar(&complex, &characters, attributes, 0, &pair)
        // Writing the bottom-right cell returns ERR (the cursor cannot move on) but the cell is set.
        mvwadd_wch(cp_stdscr(), Int32(y), Int32(x), &complex)
    }

    /// The input that arrives within `timeoutMilliseconds`, and whatever follows it at once. Empty when nothing
    /// came in time.
    public func read(timeoutMilliseconds: Int32) -> [TerminalInput] {
        var inputs: [TerminalInput] = []
        wtimeout(cp_stdscr(), timeoutMilliseconds)
        var character: wint_t = 0
        var result = wget_wch(cp_stdscr(), &character)
        while result != ERR {
            if result == KEY_CODE_YES {
                if let input = Self.input(forKeyCode: Int32(character)) { inputs.append(input) }
            } else if let scalar = Unicode.Scalar(UInt32(character)) {
                inputs.append(.character(scalar))
            }
            wtimeout(cp_stdscr(), 0)
            result = wget_wch(cp_stdscr(), &character)
        }
        return inputs
    }

    /// The painter's name for an ncurses key code; nil for keys it has no use for.
    static func input(forKeyCode code: Int32) -> TerminalInput? {
        switch code {
        case KEY_UP: .key(.up)
        case KEY_DOWN: .key(.down)
        case KEY_LEFT: .key(.left)
        case KEY_RIGHT: .key(.right)
        case KEY_SR: .key(.shiftUp)
        case KEY_SF: .key(.shiftDown)
        case KEY_SLEFT: .key(.shiftLeft)
        case KEY_SRIGHT: .key(.shiftRight)
        case KEY_ENTER: .key(.enter)
        case KEY_BACKSPACE: .key(.backspace)
        case KEY_DC: .key(.delete)
        case KEY_HOME: .key(.home)
        case KEY_END: .key(.end)
        case KEY_PPAGE: .key(.pageUp)
        case KEY_NPAGE: .key(.pageDown)
        case KEY_BTAB: .key(.backTab)
        case KEY_MOUSE: .mousePrefix
        case KEY_RESIZE: .resize
        case KEY_F0 + 1 ... KEY_F0 + 63: .key(.function(Int(code - KEY_F0)))
        default: nil
        }
    }
}
