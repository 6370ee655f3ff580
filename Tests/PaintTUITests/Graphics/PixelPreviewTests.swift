import ImageFiles
import Painter
import TerminalImageDecoding
import Testing

@testable import PaintTUI

/// The bytes after each frame: the picture in place of the last one, nothing while a dialog covers the panel.
struct PixelPreviewTests {
    static func result(_ generation: UInt64, isDraft: Bool = false) throws -> RenderResult {
        let state = try TUIFixtures.state()
        return RenderResult(
            generation: generation, request: state.renderRequest,
            image: PreviewEncoderTests.gradient(width: 64, height: 64),
            isDraft: isDraft, milliseconds: 1)
    }

    @Test func placesThePictureOnWholeCells() {
        let preview = PixelPreview(graphics: TerminalGraphics(mode: .sixel, cellWidth: 9, cellHeight: 18))
        let place = preview.placement(
            pictureWidth: 256, pictureHeight: 256, in: Rect(x: 0, y: 0, width: 40, height: 12))
        // 12 rows of 18 px = 216 px high; 216 px wide is 24 cells of 9 px.
        #expect(place == (columns: 24, rows: 12, width: 216, height: 216))
    }

    @Test func kittyReplacesInPlaceAndLeavesOnADialog() throws {
        var preview = PixelPreview(graphics: TerminalGraphics(mode: .kitty, cellWidth: 8, cellHeight: 16))
        let area = Rect(x: 50, y: 2, width: 20, height: 10)
        let first = try preview.update(result: Self.result(1), area: area, repainted: false)
        let shown = try GraphicsDecoders.kitty(first)
        try #require(shown.count == 1)
        // 10 rows of 16 px: 160x160 pixels over 20x10 cells, at the panel's corner.
        #expect(shown[0].image == PreviewEncoderTests.gradient(width: 64, height: 64).scaled(width: 160, height: 160))
        #expect(String(decoding: first, as: UTF8.self).hasPrefix("\u{1B}7\u{1B}[3;51H\u{1B}_Ga=d,d=I,i=\(0xC1ADE0)"))
        #expect(try preview.update(result: Self.result(1), area: area, repainted: false).isEmpty)
        #expect(try !preview.update(result: Self.result(1), area: area, repainted: true).isEmpty)
        #expect(try !preview.update(result: Self.result(1, isDraft: true), area: area, repainted: false).isEmpty)
        let hidden = try preview.update(result: Self.result(2), area: nil, repainted: false)
        #expect(hidden == KittyGraphics(id: 0xC1ADE0).delete && !preview.isShown && !preview.removalNeedsRepaint)
        #expect(try preview.update(result: Self.result(2), area: nil, repainted: false).isEmpty)
    }

    @Test func sixelThroughTmuxIsWrappedUnlessTmuxSpeaksIt() throws {
        let area = Rect(x: 1, y: 1, width: 8, height: 4)
        var wrapped = PixelPreview(
            graphics: TerminalGraphics(mode: .sixel, cellWidth: 8, cellHeight: 16, throughTmux: true))
        let bytes = try wrapped.update(result: Self.result(1), area: area, repainted: false)
        #expect(String(decoding: bytes, as: UTF8.self).contains("\u{1B}Ptmux;\u{1B}\u{1B}P0;1;0q"))
        let opened = try GraphicsDecoders.unwrapTmux(bytes)
        let start = try #require(opened.indices.first { opened[$0] == 0x1B && opened[$0 + 1] == 0x50 })
        let end = try #require(opened.indices.last { $0 > start && opened[$0] == 0x1B && opened[$0 + 1] == 0x5C })
        let sixel = try GraphicsDecoders.sixel(Array(opened[start ... end + 1]))
        #expect(sixel.width == 64 && sixel.height == 64)
        #expect(wrapped.removalNeedsRepaint)
        var native = PixelPreview(graphics: TerminalGraphics(mode: .sixel, throughTmux: true, tmuxSpeaksSixel: true))
        #expect(
            try !String(decoding: native.update(result: Self.result(1), area: area, repainted: false), as: UTF8.self)
                .contains("tmux;"))
    }
}
