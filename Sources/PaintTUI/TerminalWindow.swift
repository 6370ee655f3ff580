import Foundation

/// The terminal window as the kernel knows it, readable before ncurses takes the screen.
public enum TerminalWindow {
    /// Columns, rows and (where the terminal keeps them) pixels of standard output's terminal; nil when it is none.
    static func size() -> winsize? {
        var size = winsize()
        return ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 ? size : nil
    }

    /// Columns and rows of standard output's terminal; nil when it is none or tells no size.
    public static func columnsAndRows() -> (width: Int, height: Int)? {
        guard let size = size(), size.ws_col > 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }
}
