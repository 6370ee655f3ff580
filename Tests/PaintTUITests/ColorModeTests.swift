import ImageFiles
import Testing

@testable import PaintTUI

@Suite struct ColorModeTests {
    @Test func modeFollowsTheColourCountAndNoColor() {
        #expect(ColorMode.forTerminal(hasColors: true, colors: 1 << 24, environment: [:]) == .direct)
        #expect(ColorMode.forTerminal(hasColors: true, colors: 256, environment: [:]) == .palette256)
        #expect(ColorMode.forTerminal(hasColors: true, colors: 88, environment: [:]) == .ansi8)
        #expect(ColorMode.forTerminal(hasColors: true, colors: 8, environment: [:]) == .ansi8)
        #expect(ColorMode.forTerminal(hasColors: false, colors: 0, environment: [:]) == .monochrome)
        #expect(ColorMode.forTerminal(hasColors: true, colors: 256, environment: ["NO_COLOR": "1"]) == .monochrome)
        #expect(ColorMode.forTerminal(hasColors: true, colors: 256, environment: ["NO_COLOR": ""]) == .palette256)
    }

    @Test func truecolourHintPicksTheDirectTerminfoEntry() {
        #expect(
            ColorMode.directTerminfoName(environment: ["TERM": "xterm-256color", "COLORTERM": "truecolor"])
                == "xterm-direct")
        #expect(
            ColorMode.directTerminfoName(environment: ["TERM": "tmux-256color", "COLORTERM": "24bit"]) == "tmux-direct")
        #expect(
            ColorMode.directTerminfoName(environment: ["TERM": "xterm-kitty", "COLORTERM": "TrueColor"])
                == "xterm-kitty-direct")
        #expect(ColorMode.directTerminfoName(environment: ["TERM": "xterm-256color"]) == nil)
        #expect(ColorMode.directTerminfoName(environment: ["TERM": "xterm-direct", "COLORTERM": "truecolor"]) == nil)
        #expect(ColorMode.directTerminfoName(environment: ["TERM": "linux", "COLORTERM": "truecolor"]) == nil)
        #expect(ColorMode.directTerminfoName(environment: ["COLORTERM": "truecolor"]) == nil)
    }

    @Test func aTerminfoTrueColourFlagPicksTheDirectEntryToo() {
        #expect(
            ColorMode.directTerminfoName(environment: ["TERM": "tmux-256color"], terminfoTrueColor: true)
                == "tmux-direct")
        #expect(ColorMode.directTerminfoName(environment: ["TERM": "xterm-direct"], terminfoTrueColor: true) == nil)
        #expect(ColorMode.directTerminfoName(environment: [:], terminfoTrueColor: true) == nil)
    }

    @Test func colourNumbersPerMode() {
        let sky = RGBColor(118, 190, 250)
        #expect(ColorMode.direct.colorNumber(for: sky) == 118 << 16 | 190 << 8 | 250)
        // Near-black would be sent as an ANSI palette colour: nudged into RGB.
        #expect(ColorMode.direct.colorNumber(for: RGBColor(0, 0, 5)) == 0x01_0005)
        #expect(ColorMode.direct.colorNumber(for: RGBColor(0, 0, 8)) == 8)
        #expect(ColorMode.palette256.colorNumber(for: sky) == 111)
        #expect(ColorMode.ansi8.colorNumber(for: sky) == 7)
        #expect(ColorMode.monochrome.colorNumber(for: sky) == -1)
        #expect(ColorMode.direct.colorNumber(for: nil) == -1)
    }
}
