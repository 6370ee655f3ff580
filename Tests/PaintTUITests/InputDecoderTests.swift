import Testing

@testable import PaintTUI

@Suite struct InputDecoderTests {
    /// The inputs of a string, as ncurses hands over characters it did not match.
    func characters(_ text: String) -> [TerminalInput] { text.unicodeScalars.map { .character($0) } }

    @Test func plainAndControlCharactersBecomeKeys() {
        var decoder = InputDecoder()
        #expect(
            decoder.feed(characters("a ?\r\n\t\u{7F}\u{12}")) == [
                .key(.character("a")), .key(.character(" ")), .key(.character("?")), .key(.enter), .key(.enter),
                .key(.tab), .key(.backspace), .key(.control("r")),
            ])
        #expect(decoder.feed(.key(.up)) == [.key(.up)])
        #expect(decoder.feed(.resize) == [.resize])
        #expect(!decoder.isWaiting)
    }

    @Test func aLoneEscapeIsTheEscapeKeyOnceInputPauses() {
        var decoder = InputDecoder()
        #expect(decoder.feed(.character("\u{1B}")).isEmpty)
        #expect(decoder.isWaiting)
        #expect(decoder.flush() == [.key(.escape)])
        #expect(!decoder.isWaiting)
        // Escape then a key at once (alt-key): both come through.
        #expect(decoder.feed(characters("\u{1B}q")) == [.key(.escape), .key(.character("q"))])
        #expect(decoder.feed(characters("\u{1B}\u{1B}")) == [.key(.escape)])
        #expect(decoder.flush() == [.key(.escape)])
    }

    @Test func cursorKeysThatNcursesLeftUndecoded() {
        var decoder = InputDecoder()
        #expect(
            decoder.feed(characters("\u{1B}[A\u{1B}OB\u{1B}[1;2C\u{1B}[1;5D\u{1B}[5~\u{1B}[3~\u{1B}[Z\u{1B}[H")) == [
                .key(.up), .key(.down), .key(.shiftRight), .key(.left), .key(.pageUp), .key(.delete), .key(.backTab),
                .key(.home),
            ])
        // Unknown sequences are swallowed whole, not typed as characters.
        #expect(decoder.feed(characters("\u{1B}[?1;2cx")) == [.key(.character("x"))])
    }

    @Test func sgrMouseReportsFromRawCharacters() {
        var decoder = InputDecoder()
        #expect(
            decoder.feed(characters("\u{1B}[<0;10;5M\u{1B}[<32;11;5M\u{1B}[<0;12;6m")) == [
                .mouse(MouseEvent(button: .left, action: .press, x: 9, y: 4)),
                .mouse(MouseEvent(button: .left, action: .drag, x: 10, y: 4)),
                .mouse(MouseEvent(button: .left, action: .release, x: 11, y: 5)),
            ])
    }

    @Test func sgrMouseReportsAfterTheNcursesMousePrefix() {
        // What ncurses hands over for ESC [ < 2;3;4M when it matched kmous = ESC [ < (checked in tmux).
        var decoder = InputDecoder()
        #expect(
            decoder.feed([.mousePrefix] + characters("2;3;4M")) == [
                .mouse(MouseEvent(button: .right, action: .press, x: 2, y: 3))
            ])
        #expect(
            decoder.feed([.mousePrefix] + characters("35;70;20M")) == [
                .mouse(MouseEvent(button: .none, action: .move, x: 69, y: 19))
            ])
        #expect(
            decoder.feed([.mousePrefix] + characters("64;1;1M")) == [
                .mouse(MouseEvent(button: .wheelUp, action: .press, x: 0, y: 0))
            ])
        #expect(
            decoder.feed([.mousePrefix] + characters("65;1;1M")) == [
                .mouse(MouseEvent(button: .wheelDown, action: .press, x: 0, y: 0))
            ])
        #expect(
            decoder.feed([.mousePrefix] + characters("20;5;6M")) == [
                .mouse(MouseEvent(button: .left, action: .press, x: 4, y: 5, shift: true, control: true))
            ])
        #expect(
            decoder.feed([.mousePrefix] + characters("40;5;6M")) == [
                .mouse(MouseEvent(button: .left, action: .drag, x: 4, y: 5, alt: true))
            ])
    }

    @Test func malformedMouseReportsAreDropped() {
        var decoder = InputDecoder()
        // Too few fields, a zero coordinate, horizontal wheel, an extra button: nothing.
        #expect(decoder.feed([.mousePrefix] + characters("0;10M")).isEmpty)
        #expect(decoder.feed([.mousePrefix] + characters("0;0;3M")).isEmpty)
        #expect(decoder.feed([.mousePrefix] + characters("66;3;3M")).isEmpty)
        #expect(decoder.feed([.mousePrefix] + characters("128;3;3M")).isEmpty)
        // A stray character ends the report and counts as typed.
        #expect(decoder.feed([.mousePrefix] + characters("1;2x")) == [.key(.character("x"))])
        // A runaway report is cut off and does not swallow input forever.
        let runaway = [TerminalInput.mousePrefix] + characters(String(repeating: "1", count: 40) + "q")
        #expect(decoder.feed(runaway).contains(.key(.character("q"))))
        // An unfinished report is dropped when input pauses.
        #expect(decoder.feed([.mousePrefix] + characters("0;1")).isEmpty)
        #expect(decoder.flush().isEmpty)
        #expect(decoder.feed(characters("a")) == [.key(.character("a"))])
    }
}
