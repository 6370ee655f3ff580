import Testing

@testable import PaintTUI

struct TerminalGraphicsTests {
    static let kittyReplies =
        "\u{1B}_Gi=31;OK\u{1B}\\\u{1B}P>|kitty(0.35.2)\u{1B}\\\u{1B}[6;20;10t\u{1B}[4;1000;1600t\u{1B}[?62;22c\u{1B}[12;1R"

    @Test func readsEveryReply() {
        let replies = TerminalReplies(parsing: Array(Self.kittyReplies.utf8))
        #expect(
            replies.kittyGraphics && replies.version == "kitty(0.35.2)" && replies.attributes == [62, 22]
                && replies.cursorReport)
        #expect(replies.cellPixels?.width == 10 && replies.cellPixels?.height == 20)
        #expect(replies.windowPixels?.width == 1600 && replies.windowPixels?.height == 1000)
    }

    /// Cut short, the replies read so far still count and the cursor report has not come.
    @Test func aPartialReplyWaitsForTheRest() {
        let cut = Array(Self.kittyReplies.utf8).prefix(60)
        let replies = TerminalReplies(parsing: Array(cut))
        #expect(replies.kittyGraphics && !replies.cursorReport)
    }

    @Test func repliesChooseTheProtocol() {
        let kitty = TerminalGraphics.choose(
            preference: nil, replies: TerminalReplies(parsing: Array(Self.kittyReplies.utf8)), environment: [:])
        #expect(kitty == TerminalGraphics(mode: .kitty, cellWidth: 10, cellHeight: 20))
        // xterm -ti vt340: sixel in DA1; the cell size from the window's pixels over its cells.
        let xterm = TerminalReplies(
            parsing: Array("\u{1B}P>|XTerm(390)\u{1B}\\\u{1B}[4;480;800t\u{1B}[?63;1;2;4;6;9;15;22c\u{1B}[1;1R".utf8))
        #expect(
            TerminalGraphics.choose(
                preference: nil, replies: xterm, environment: ["TERM": "xterm-256color"], terminalSize: (80, 24))
                == TerminalGraphics(mode: .sixel, cellWidth: 10, cellHeight: 20))
        let plain = TerminalReplies(parsing: Array("\u{1B}[?62;22c\u{1B}[1;1R".utf8))
        #expect(
            TerminalGraphics.choose(preference: nil, replies: plain, environment: ["TERM": "xterm-256color"]).mode
                == .blocks)
        #expect(TerminalGraphics.choose(preference: .iterm2, replies: plain, environment: [:]).mode == .iterm2)
    }

    /// A terminal that answers nothing (or tmux, which answers for itself): the environment decides.
    @Test func theEnvironmentIsTheFallback() {
        let silent = TerminalReplies()
        #expect(
            TerminalGraphics.choose(preference: nil, replies: silent, environment: ["TERM": "xterm-kitty"]).mode
                == .kitty)
        #expect(
            TerminalGraphics.choose(preference: nil, replies: silent, environment: ["KITTY_WINDOW_ID": "1"]).mode
                == .kitty)
        #expect(
            TerminalGraphics.choose(preference: nil, replies: silent, environment: ["TERM_PROGRAM": "WezTerm"]).mode
                == .kitty)
        #expect(
            TerminalGraphics.choose(preference: nil, replies: silent, environment: ["TERM_PROGRAM": "iTerm.app"]).mode
                == .iterm2)
        #expect(
            TerminalGraphics.choose(preference: nil, replies: silent, environment: ["TERM": "xterm"]).mode == .blocks)
        let tmux = TerminalReplies(parsing: Array("\u{1B}P>|tmux 3.4\u{1B}\\\u{1B}[?1;2;4c\u{1B}[1;1R".utf8))
        let inTmux = TerminalGraphics.choose(
            preference: nil, replies: tmux, environment: ["TMUX": "/tmp/tmux-0/default,1,0", "LC_TERMINAL": "iTerm2"])
        #expect(inTmux.mode == .iterm2 && inTmux.throughTmux && inTmux.tmuxSpeaksSixel)
    }

    @Test func theKittyQueryGoesThroughTmux() {
        let queries = String(decoding: TerminalGraphics.queries(throughTmux: true), as: UTF8.self)
        #expect(queries.hasPrefix("\u{1B}Ptmux;\u{1B}\u{1B}_Gi=31,") && queries.hasSuffix("\u{1B}[c\u{1B}[6n"))
    }
}
