import Foundation

/// The preview's way of showing pictures on this terminal and what it needs to know for it: the protocol, the
/// cell size in pixels (so a picture can be sent at the exact size it is shown) and whether tmux is in between
/// (then images go through its passthrough, and kitty's as Unicode placeholders that tmux keeps like text).
public struct TerminalGraphics: Sendable, Equatable {
    public var mode: PreviewMode
    public var cellWidth: Int
    public var cellHeight: Int
    public var throughTmux: Bool
    /// tmux itself speaks sixel (it said so in DA1): sixel then goes to tmux, not through it.
    public var tmuxSpeaksSixel: Bool

    public init(
        mode: PreviewMode, cellWidth: Int = 10, cellHeight: Int = 20, throughTmux: Bool = false,
        tmuxSpeaksSixel: Bool = false
    ) {
        self.mode = mode
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
        self.throughTmux = throughTmux
        self.tmuxSpeaksSixel = tmuxSpeaksSixel
    }

    /// The queries, in the order the replies are awaited: the DSR comes last, and every terminal answers it.
    static func queries(throughTmux: Bool) -> [UInt8] {
        // A 1x1 picture that kitty checks and answers `OK` to, without keeping it (a=q).
        let kitty = Array("\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\".utf8)
        return (throughTmux ? TmuxPassthrough.wrap(kitty) : kitty)
            + Array("\u{1B}[>q\u{1B}[16t\u{1B}[14t\u{1B}[c\u{1B}[6n".utf8)
    }

    /// The mode for `preference` (nil: choose), from the terminal's replies first and the environment second;
    /// half-blocks when neither names a graphics protocol.
    public static func choose(
        preference: PreviewMode?, replies: TerminalReplies, environment: [String: String],
        terminalSize: (width: Int, height: Int)? = nil
    ) -> TerminalGraphics {
        let tmux =
            environment["TMUX"].map { !$0.isEmpty } ?? false || replies.version?.lowercased().hasPrefix("tmux") == true
        let tmuxSixel = tmux && replies.attributes?.contains(4) == true
        var graphics = TerminalGraphics(
            mode: preference ?? detected(replies: replies, environment: environment, tmux: tmux),
            throughTmux: tmux, tmuxSpeaksSixel: tmuxSixel)
        if let cell = replies.cellPixels, cell.width > 0, cell.height > 0 {
            (graphics.cellWidth, graphics.cellHeight) = cell
        } else if let window = replies.windowPixels, let size = terminalSize, window.width > 0, window.height > 0,
            size.width > 0, size.height > 0, window.width >= size.width, window.height >= size.height
        {
            (graphics.cellWidth, graphics.cellHeight) = (window.width / size.width, window.height / size.height)
        }
        return graphics
    }

    private static func detected(replies: TerminalReplies, environment: [String: String], tmux: Bool) -> PreviewMode {
        let version = replies.version?.lowercased() ?? ""
        let term = environment["TERM"] ?? ""
        let program = environment["TERM_PROGRAM"] ?? ""
        if replies.kittyGraphics || ["kitty", "wezterm", "ghostty"].contains(where: version.contains)
            || term == "xterm-kitty" || term == "xterm-ghostty" || environment["KITTY_WINDOW_ID"] != nil
            || program == "WezTerm" || program == "ghostty"
        {
            return .kitty
        }
        if version.contains("iterm2") || program == "iTerm.app" || environment["LC_TERMINAL"] == "iTerm2" {
            return .iterm2
        }
        if replies.attributes?.contains(4) == true { return .sixel }
        return .blocks
    }

    /// Asks the terminal on `/dev/tty` (before ncurses takes it) and waits for the cursor report that ends the
    /// replies, at most `timeoutMilliseconds`; a terminal that answers nothing leaves the environment to decide.
    public static func detect(
        preference: PreviewMode?, environment: [String: String] = ProcessInfo.processInfo.environment,
        timeoutMilliseconds: Int = 200
    ) -> TerminalGraphics {
        if preference == .blocks { return TerminalGraphics(mode: .blocks) }
        let tmux = environment["TMUX"].map { !$0.isEmpty } ?? false
        let replies = ask(queries(throughTmux: tmux), timeoutMilliseconds: timeoutMilliseconds)
        let window = TerminalWindow.size()
        var graphics = choose(
            preference: preference, replies: replies, environment: environment,
            terminalSize: window.map { (Int($0.ws_col), Int($0.ws_row)) })
        // The kernel's idea of the window in pixels, where the terminal keeps it up to date.
        if replies.cellPixels == nil, replies.windowPixels == nil, let size = window, size.ws_xpixel > 0,
            size.ws_ypixel > 0,
            size.ws_col > 0, size.ws_row > 0
        {
            graphics.cellWidth = Int(size.ws_xpixel) / Int(size.ws_col)
            graphics.cellHeight = Int(size.ws_ypixel) / Int(size.ws_row)
        }
        return graphics
    }

    private static func ask(_ queries: [UInt8], timeoutMilliseconds: Int) -> TerminalReplies {
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard tty >= 0 else { return TerminalReplies() }
        defer { close(tty) }
        var saved = termios()
        guard tcgetattr(tty, &saved) == 0 else { return TerminalReplies() }
        var raw = saved
        cfmakeraw(&raw)
        tcsetattr(tty, TCSANOW, &raw)
        defer { tcsetattr(tty, TCSANOW, &saved) }
        _ = queries.withUnsafeBytes { write(tty, $0.baseAddress, $0.count) }
        var received: [UInt8] = []
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutMilliseconds) * 1_000_000
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { break }
            var descriptor = pollfd(fd: tty, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32((deadline - now) / 1_000_000) + 1) > 0 else { break }
            let count = read(tty, &buffer, buffer.count)
            guard count > 0 else { break }
            received += buffer[0 ..< count]
            if TerminalReplies(parsing: received).cursorReport { break }
        }
        return TerminalReplies(parsing: received)
    }
}
