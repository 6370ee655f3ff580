import ImageFiles

/// How colours reach the terminal, best first.
public enum ColorMode: String, Sendable, Equatable {
    /// 24-bit colour: ncurses with a terminfo entry that has RGB (`*-direct`), colour numbers packed R<<16|G<<8|B.
    case direct
    /// The xterm 256-colour palette: the 6x6x6 cube and the grey ramp (`XtermPalette`).
    case palette256
    /// The eight ANSI colours.
    case ansi8
    /// No colours at all (or `NO_COLOR` set): the painter draws with letters and attributes.
    case monochrome

    /// The mode for a terminal as ncurses sees it: `hasColors` and `colors` after `start_color()`.
    public static func forTerminal(hasColors: Bool, colors: Int, environment: [String: String]) -> ColorMode {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        guard hasColors else { return .monochrome }
        if colors >= 1 << 24 { return .direct }
        if colors >= 256 { return .palette256 }
        if colors >= 8 { return .ansi8 }
        return .monochrome
    }

    /// The terminfo entry to open instead of `$TERM` for direct colour, when the terminal says it speaks 24-bit
    /// colour (`COLORTERM=truecolor` or `24bit` in the environment, or with `terminfoTrueColor` the `RGB` or `Tc` flag
    /// in `$TERM`'s terminfo entry) but `$TERM` names a 256-colour entry: the matching `-direct` entry
    /// (`xterm-256color` -> `xterm-direct`, `tmux-256color` -> `tmux-direct`). nil when there is no such hint or
    /// `$TERM` already is a direct-colour entry. The caller falls back to `$TERM` when the entry is not installed
    /// (Debian ships them in ncurses-term).
    public static func directTerminfoName(environment: [String: String], terminfoTrueColor: Bool = false) -> String? {
        guard let term = environment["TERM"], !term.isEmpty, !term.hasSuffix("-direct") else { return nil }
        let hint = environment["COLORTERM"]?.lowercased()
        guard terminfoTrueColor || hint == "truecolor" || hint == "24bit" else { return nil }
        var base = Substring(term)
        for suffix in ["-256color", "-88color", "-color"] where base.hasSuffix(suffix) {
            base = base.dropLast(suffix.count)
            break
        }
        guard !base.isEmpty, base != "dumb", base != "linux" else { return nil }
        return base + "-direct"
    }

    /// The ncurses colour number for `color` in this mode; -1 (the terminal's default colour) for nil and in
    /// monochrome.
    public func colorNumber(for color: RGBColor?) -> Int32 {
        guard let color else { return -1 }
        switch self {
        case .direct:
            let packed = Int32(color.red) << 16 | Int32(color.green) << 8 | Int32(color.blue)
            // Direct-colour terminfo sends numbers below 8 as ANSI palette colours (which themes redefine): a step
            // of red too small to see keeps them RGB.
            return packed < 8 ? packed | 0x01_0000 : packed
        case .palette256:
            return Int32(XtermPalette.index256(for: color))
        case .ansi8:
            return Int32(XtermPalette.index8(for: color))
        case .monochrome:
            return -1
        }
    }

    /// Whether a colour shows as itself (give or take the 256-colour rounding); with 8 or no colours, the painter
    /// also marks classes with letters.
    public var showsColorsFaithfully: Bool { self == .direct || self == .palette256 }
    public var hasColors: Bool { self != .monochrome }
}
