import Foundation
import ImageFiles
import TerminalImageDecoding
import Testing

@testable import PaintTUI

/// Each encoder's bytes, decoded back into pixels, give the picture: directly and through tmux's passthrough.
struct PreviewEncoderTests {
    /// A picture with many colours (a gradient with a pattern), so chunking, runs and the palette all work.
    static func gradient(width: Int, height: Int) -> PNGImage {
        var pixels: [UInt8] = []
        for y in 0 ..< height {
            for x in 0 ..< width {
                pixels += [
                    UInt8(x * 255 / max(1, width - 1)), UInt8(y * 255 / max(1, height - 1)),
                    UInt8((x * 7 + y * 13) % 256),
                ]
            }
        }
        return PNGImage(width: width, height: height, pixels: pixels)
    }

    /// A picture with few colours (stripes and blocks), which sixel's palette keeps exactly.
    static func blocks(width: Int, height: Int) -> PNGImage {
        let colours: [[UInt8]] = [
            [30, 110, 220], [250, 250, 250], [40, 160, 60], [120, 90, 60], [0, 0, 0], [255, 0, 128],
        ]
        var pixels: [UInt8] = []
        for y in 0 ..< height {
            for x in 0 ..< width { pixels += colours[(x / 3 + y / 4 + (x * y) % 2) % colours.count] }
        }
        return PNGImage(width: width, height: height, pixels: pixels)
    }

    @Test(arguments: [false, true])
    func kittyDecodesToThePicture(throughTmux: Bool) throws {
        let picture = Self.gradient(width: 97, height: 61)  // 17,751 bytes: 6 chunks of base64
        let kitty = KittyGraphics(id: 4242)
        let sequences = kitty.transmit(picture, columns: 12, rows: 4)
        #expect(sequences.count == 6)
        let bytes = sequences.flatMap { throughTmux ? TmuxPassthrough.wrap($0) : $0 }
        let decoded = try GraphicsDecoders.kitty(throughTmux ? GraphicsDecoders.unwrapTmux(bytes) : bytes)
        try #require(decoded.count == 1)
        #expect(decoded[0].image == picture)
        #expect(
            decoded[0].keys["a"] == "T" && decoded[0].keys["i"] == "4242" && decoded[0].keys["c"] == "12"
                && decoded[0].keys["r"] == "4")
        #expect(decoded[0].keys["q"] == "2" && decoded[0].keys["C"] == "1" && decoded[0].keys["U"] == nil)
        for sequence in sequences.dropLast() {
            #expect(String(decoding: sequence, as: UTF8.self).contains("m=1;"))
        }
        #expect(String(decoding: sequences.last!, as: UTF8.self).contains("m=0;"))
    }

    @Test func kittyDeleteNamesTheImage() throws {
        #expect(String(decoding: KittyGraphics(id: 7).delete, as: UTF8.self) == "\u{1B}_Ga=d,d=I,i=7,q=2\u{1B}\\")
    }

    /// The virtual placement decodes to the picture, and its placeholder cells name the image by colour and
    /// each cell's row and column by diacritics.
    @Test func kittyPlaceholdersNameEveryCell() throws {
        let picture = Self.blocks(width: 40, height: 30)
        let kitty = KittyGraphics(id: 0x01_02_03)
        let decoded = try GraphicsDecoders.kitty(
            try GraphicsDecoders.unwrapTmux(
                kitty.transmit(picture, columns: 5, rows: 3, placeholder: true).flatMap(TmuxPassthrough.wrap)))
        try #require(decoded.count == 1)
        #expect(decoded[0].image == picture && decoded[0].keys["U"] == "1" && decoded[0].keys["C"] == nil)
        let rows = kitty.placeholderRows(columns: 5, rows: 3)
        #expect(rows.count == 3)
        for (row, text) in rows.enumerated() {
            #expect(text.hasPrefix("\u{1B}[38;2;1;2;3m") && text.hasSuffix("\u{1B}[39m"))
            let cells = Array(text.unicodeScalars.dropFirst("\u{1B}[38;2;1;2;3m".unicodeScalars.count).dropLast(5))
            #expect(cells.count == 15)
            for column in 0 ..< 5 {
                #expect(cells[3 * column] == KittyGraphics.placeholder)
                #expect(KittyGraphics.diacritics.firstIndex(of: cells[3 * column + 1]) == row)
                #expect(KittyGraphics.diacritics.firstIndex(of: cells[3 * column + 2]) == column)
            }
        }
        #expect(KittyGraphics.diacritics.count == 297 && Set(KittyGraphics.diacritics).count == 297)
    }

    /// Few colours: each pixel comes back as itself up to sixel's percent steps (at most 1.3 levels of 255).
    @Test(arguments: [false, true])
    func sixelKeepsAFewColours(throughTmux: Bool) throws {
        let picture = Self.blocks(width: 50, height: 23)  // 23 rows: the last band is partial
        let sequence = SixelImage.sequence(picture)
        let bytes = throughTmux ? try GraphicsDecoders.unwrapTmux(TmuxPassthrough.wrap(sequence)) : sequence
        let decoded = try GraphicsDecoders.sixel(bytes)
        #expect(decoded.width == 50 && decoded.height == 23)
        for index in 0 ..< 50 * 23 {
            let color = try #require(decoded.pixels[index])
            let original = picture.pixels[3 * index ..< 3 * index + 3].map(Int.init)
            #expect(
                abs(Int(color.red) - original[0]) <= 1 && abs(Int(color.green) - original[1]) <= 1
                    && abs(Int(color.blue) - original[2]) <= 1)
        }
    }

    /// Many colours: every pixel is painted with its median-cut box's colour, which is what the palette says.
    @Test func sixelPaintsEachPixelWithItsPaletteColour() throws {
        let picture = Self.gradient(width: 64, height: 64)
        let palette = MedianCutPalette(picture)
        #expect(palette.colors.count == 256)
        let decoded = try GraphicsDecoders.sixel(SixelImage.sequence(picture))
        var total = 0
        for index in 0 ..< 64 * 64 {
            let color = try #require(decoded.pixels[index])
            let expected = palette.colors[palette.indices[index]]
            #expect(
                abs(Int(color.red) - Int(expected.red)) <= 1 && abs(Int(color.green) - Int(expected.green)) <= 1
                    && abs(Int(color.blue) - Int(expected.blue)) <= 1)
            total += (0 ..< 3).map {
                abs(Int(picture.pixels[3 * index + $0]) - Int([color.red, color.green, color.blue][$0]))
            }.reduce(0, +)
        }
        // The palette follows the picture: closer than xterm's fixed 6x6x6 cube (216 colours, steps of 51).
        let cube = picture.pixels.map { abs(Int($0) - (Int($0) + 25) / 51 * 51) }.reduce(0, +)
        #expect(total < cube)
    }

    @Test(arguments: [false, true])
    func iTerm2CarriesThePictureAsPNG(throughTmux: Bool) throws {
        let picture = Self.gradient(width: 300, height: 250)  // more than one stored deflate block
        let sequence = ITerm2Image.sequence(picture, columns: 30, rows: 12)
        let decoded = try GraphicsDecoders.iTerm2(
            throughTmux ? GraphicsDecoders.unwrapTmux(TmuxPassthrough.wrap(sequence)) : sequence)
        #expect(decoded.image == picture)
        #expect(decoded.keys["inline"] == "1" && decoded.keys["width"] == "30" && decoded.keys["height"] == "12")
        #expect(decoded.keys["preserveAspectRatio"] == "0")
    }

    @Test func tmuxDoublesEveryEscape() {
        #expect(
            TmuxPassthrough.wrap([0x1B, 0x41, 0x1B]) == Array("\u{1B}Ptmux;\u{1B}\u{1B}A\u{1B}\u{1B}\u{1B}\\".utf8))
    }

    @Test func scalingIsExact() {
        let picture = Self.blocks(width: 8, height: 8)
        #expect(picture.scaled(width: 8, height: 8) == picture)
        let doubled = picture.scaled(width: 16, height: 16)
        for y in 0 ..< 16 {
            for x in 0 ..< 16 {
                #expect(
                    doubled.pixels[(y * 16 + x) * 3 ..< (y * 16 + x) * 3 + 3]
                        == picture.pixels[(y / 2 * 8 + x / 2) * 3 ..< (y / 2 * 8 + x / 2) * 3 + 3])
            }
        }
        let halved = Self.gradient(width: 4, height: 2).scaled(width: 2, height: 1)
        let source = Self.gradient(width: 4, height: 2).pixels
        #expect(Int(halved.pixels[0]) == (Int(source[0]) + Int(source[3]) + Int(source[12]) + Int(source[15]) + 2) / 4)
    }
}
