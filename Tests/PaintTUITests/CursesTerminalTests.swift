import CCurses
import Testing

@testable import PaintTUI

@Suite struct CursesTerminalTests {
    @Test func ncursesKeyCodesBecomePainterKeys() {
        #expect(CursesTerminal.input(forKeyCode: KEY_UP) == .key(.up))
        #expect(CursesTerminal.input(forKeyCode: KEY_SLEFT) == .key(.shiftLeft))
        #expect(CursesTerminal.input(forKeyCode: KEY_SR) == .key(.shiftUp))
        #expect(CursesTerminal.input(forKeyCode: KEY_BTAB) == .key(.backTab))
        #expect(CursesTerminal.input(forKeyCode: KEY_BACKSPACE) == .key(.backspace))
        #expect(CursesTerminal.input(forKeyCode: KEY_F0 + 5) == .key(.function(5)))
        #expect(CursesTerminal.input(forKeyCode: KEY_MOUSE) == .mousePrefix)
        #expect(CursesTerminal.input(forKeyCode: KEY_RESIZE) == .resize)
        #expect(CursesTerminal.input(forKeyCode: KEY_SUSPEND) == nil)
    }

    @Test func mouseReportsAreSwitchedOnAndOffAsAPair() {
        // Button-event tracking (1002) in SGR encoding (1006), both undone on the way out.
        #expect(CursesTerminal.mouseOn == "\u{1B}[?1002h\u{1B}[?1006h")
        #expect(CursesTerminal.mouseOff == "\u{1B}[?1006l\u{1B}[?1002l")
    }
}
