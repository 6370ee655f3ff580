import Foundation
import ImageFiles
import TerminalImageDecoding
import Testing

/// The painter with a terminal image as its preview, in tmux, with every byte it writes recorded (`script`
/// between tmux and the painter): the image sequences decode to the newest picture (`state/preview.png`) at the
/// size they are shown, and are taken away while the help covers the panel and at the end.
@Suite(
    .enabled(
        if: TmuxPane.tmux != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/script"),
        "tmux and script (util-linux) are needed to record the painter's output in a terminal"))
struct PaintImagePreviewEndToEndTests {
    let base = PaintEndToEndTests()

    /// Runs the painter with `--preview mode` until its first picture is done, opens and closes the help, quits,
    /// and returns the raw output and the newest picture.
    func recordedRun(mode: String) throws -> (raw: [UInt8], picture: PNGImage) {
        let scratch = try base.scratch()
        let painter = try base.painter(scratch, arguments: "--preview \(mode) --style 7")
        let raw = scratch.url("raw.out")
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let pane = try TmuxPane(
            width: 120, height: 40, command: "script -q -f -c \(quoted(painter)) \(quoted(raw.path))")
        try pane.waitForScreen("the first picture") { $0.contains("done in ") && !$0.contains("draft") }
        try pane.press("?")
        try pane.waitForScreen("the help") { $0.contains("newest picture:") }
        try pane.press("Escape")
        try pane.waitForScreen("the help to close") { !$0.contains("newest picture:") }
        try pane.press("q")
        #expect(base.exitStatus(scratch) == 0)
        return (Array(try Data(contentsOf: raw)), try scratch.picture("state/preview.png"))
    }

    /// Under tmux: raw RGB through the passthrough, a virtual placement shown by placeholder cells; the last
    /// transmission is the newest picture, exactly; the help and the end delete it.
    @Test func kittyThroughTmux() throws {
        let run = try recordedRun(mode: "kitty")
        let opened = try GraphicsDecoders.unwrapTmux(run.raw)
        #expect(String(decoding: run.raw, as: UTF8.self).contains("\u{1B}Ptmux;\u{1B}\u{1B}_Ga=T,f=24,"))
        let sent = try GraphicsDecoders.kitty(opened)
        let last = try #require(sent.last)
        #expect(last.keys["U"] == "1")
        #expect(last.image == run.picture.scaled(width: last.image.width, height: last.image.height))
        #expect(last.image.width > run.picture.width)  // shown larger than half-blocks could (64x64 in 40 rows)
        // Placeholder cells: U+10EEEE, as text tmux keeps.
        #expect(String(decoding: run.raw, as: UTF8.self).unicodeScalars.contains(Unicode.Scalar(0x10EEEE)!))
        let text = String(decoding: opened, as: UTF8.self)
        // Each transmission deletes the last one first; deleted for the help, sent again after it, deleted at the end.
        let events = text.ranges(of: /\x1B_G(a=T|a=d)/).map { text[$0].hasSuffix("a=T") ? "T" : "d" }.joined()
        #expect(events.hasSuffix("TddTd"), "kitty transmissions (T) and deletes (d) in order: \(events)")
    }

    /// Under tmux: iTerm2 inline images through the passthrough; the last one carries the newest picture as PNG,
    /// scaled to the panel's pixels exactly as the other protocols scale it.
    @Test func iTerm2ThroughTmux() throws {
        let run = try recordedRun(mode: "iterm2")
        let opened = try GraphicsDecoders.unwrapTmux(run.raw)
        let head = Array("\u{1B}]1337;File=".utf8)
        let starts = opened.indices.dropLast(head.count).filter { opened[$0 ..< $0 + head.count].elementsEqual(head) }
        #expect(starts.count >= 2)  // before and after the help
        let start = try #require(starts.last)
        let end = try #require(opened[start...].firstIndex(of: 0x07))
        let sent = try GraphicsDecoders.iTerm2(Array(opened[start ... end]))
        let exact = sent.image == run.picture.scaled(width: sent.image.width, height: sent.image.height)
        #expect(
            exact, "the last iTerm2 image (\(sent.image.width)x\(sent.image.height)) is not the newest picture scaled")
        #expect(sent.image.width >= run.picture.width)
        #expect(sent.keys["inline"] == "1" && sent.keys["preserveAspectRatio"] == "0")
        #expect(Int(sent.keys["width"] ?? "") ?? 0 > 0 && Int(sent.keys["height"] ?? "") ?? 0 > 0)
    }

    /// Under tmux 3.3 (no sixel of its own): sixel through the passthrough; the picture at the shown size, its
    /// colours from a palette of at most 256 that follows the picture.
    @Test func sixelThroughTmux() throws {
        let run = try recordedRun(mode: "sixel")
        let opened = try GraphicsDecoders.unwrapTmux(run.raw)
        let starts = opened.indices.dropLast(3).filter {
            opened[$0] == 0x1B && opened[$0 + 1] == 0x50 && opened[$0 + 2] == UInt8(ascii: "0")
        }
        #expect(starts.count >= 2)  // before and after the help
        let start = try #require(starts.last)
        let end = try #require((start ..< opened.count - 1).first { opened[$0] == 0x1B && opened[$0 + 1] == 0x5C })
        let sixel = try GraphicsDecoders.sixel(Array(opened[start ... end + 1]))
        let expected = run.picture.scaled(width: sixel.width, height: sixel.height)
        var error = 0
        var cube = 0
        for index in 0 ..< sixel.width * sixel.height {
            let color = try #require(sixel.pixels[index], "pixel \(index) not painted")
            let channels = [color.red, color.green, color.blue]
            for channel in 0 ..< 3 {
                let value = Int(expected.pixels[3 * index + channel])
                error += abs(Int(channels[channel]) - value)
                cube += abs(value - (value + 25) / 51 * 51)
            }
        }
        #expect(
            error < cube,
            "mean error \(Double(error) / Double(3 * sixel.width * sixel.height)) against the 6x6x6 cube's \(Double(cube) / Double(3 * sixel.width * sixel.height))"
        )
    }
}
