import Foundation
import Testing

@testable import ImageFiles

/// PNG variants our writer does not make, built byte by byte (IHDR, optional PLTE, one zlib IDAT, IEND)
/// and checked with Pillow.
enum HandMadePNG {
    /// 1-bit grey 3x2, rows [1, 0, 1] and [0, 1, 1].
    static let grey1 = "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACAQAAAAC1D1u3AAAADElEQVR4nGNYwJAAAAJEAQFuRfPAAAAAAElFTkSuQmCC"
    /// 2-bit palette 3x2, colours (10, 20, 30), (200, 100, 50), (0, 255, 0); indices [0, 1, 2] and [2, 1, 0].
    static let palette2 =
        "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACAgMAAADgGo6JAAAACVBMVEUKFB7IZDIA/wCBUjsQAAAADElEQVR4nGOQYJgAAADcAKls58AjAAAAAElFTkSuQmCC"
    /// 16-bit RGB 2x1: (65535, 0, 32768), (257, 514, 771).
    static let rgb16 =
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABEAIAAAAr0DSeAAAAFUlEQVR4nGP4/5+BoYGBkZGJiZkZABsYAotlVQE8AAAAAElFTkSuQmCC"
    /// 8-bit grey with alpha 2x1: (50, alpha 255), (200, alpha 0).
    static let greyAlpha8 =
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAQAAABeK7cBAAAADUlEQVR4nGMw+n+CAQAFWgH62uvP3gAAAABJRU5ErkJggg=="

    static func write(_ base64: String, to url: URL) throws {
        try Data(base64Encoded: base64)!.write(to: url)
    }
}

@Suite struct DecodedPNGTests {
    @Test(arguments: [
        DecodedPNG.Pixels.indexed(
            [0, 1, 2, 2, 1, 0], palette: [RGBColor(1, 2, 3), RGBColor(4, 5, 6), RGBColor(7, 8, 9)]),
        .grey8([0, 1, 2, 127, 128, 255], bitDepth: 8),
        .grey16([0, 1, 255, 256, 40_000, 65_535]),
        .rgb((0 ..< 18).map { UInt8($0 * 14) }),
        .rgba((0 ..< 24).map { UInt8($0 * 10) }),
    ])
    func roundTripsEveryLayout(pixels: DecodedPNG.Pixels) throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("image.png")
            let image = DecodedPNG(width: 3, height: 2, pixels: pixels)
            try image.write(to: url)
            #expect(try DecodedPNG.read(url) == image)
            let contents = try folderContents(folder)
            #expect(contents == ["image.png"])
        }
    }

    @Test func unpacksLowBitDepthsAndScalesSixteenBitColour() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("in.png")
            try HandMadePNG.write(HandMadePNG.grey1, to: url)
            #expect(
                try DecodedPNG.read(url)
                    == DecodedPNG(width: 3, height: 2, pixels: .grey8([1, 0, 1, 0, 1, 1], bitDepth: 1)))
            try HandMadePNG.write(HandMadePNG.palette2, to: url)
            let palette = [RGBColor(10, 20, 30), RGBColor(200, 100, 50), RGBColor(0, 255, 0)]
            #expect(
                try DecodedPNG.read(url)
                    == DecodedPNG(width: 3, height: 2, pixels: .indexed([0, 1, 2, 2, 1, 0], palette: palette)))
            try HandMadePNG.write(HandMadePNG.rgb16, to: url)
            #expect(try DecodedPNG.read(url) == DecodedPNG(width: 2, height: 1, pixels: .rgb([255, 0, 128, 1, 2, 3])))
            try HandMadePNG.write(HandMadePNG.greyAlpha8, to: url)
            #expect(
                try DecodedPNG.read(url)
                    == DecodedPNG(width: 2, height: 1, pixels: .rgba([50, 50, 50, 255, 200, 200, 200, 0])))
        }
    }

    @Test func namesTheFileAndProblemOfBadInput() throws {
        try withTemporaryFolder { folder throws in
            let good = folder.appendingPathComponent("good.png")
            try DecodedPNG(width: 16, height: 16, pixels: .rgb((0 ..< 768).map { UInt8($0 % 251) })).write(to: good)
            let bytes = try Data(contentsOf: good)

            let truncated = folder.appendingPathComponent("truncated.png")
            try bytes.prefix(bytes.count - 30).write(to: truncated)
            #expect(
                errorText { _ = try DecodedPNG.read(truncated) }
                    == "\(truncated.path): the file ends early: the PNG is truncated")

            let corrupt = folder.appendingPathComponent("corrupt.png")
            var flipped = bytes
            flipped[flipped.count - 20] ^= 0xFF
            try flipped.write(to: corrupt)
            let corruptMessage = errorText { _ = try DecodedPNG.read(corrupt) } ?? ""
            #expect(corruptMessage.hasPrefix("\(corrupt.path): "), "\(corruptMessage)")
            #expect(corruptMessage.count > corrupt.path.count + 2)

            let text = folder.appendingPathComponent("notes.png")
            try "just text".write(to: text, atomically: true, encoding: .utf8)
            #expect(
                errorText { _ = try DecodedPNG.read(text) }
                    == "\(text.path): not a PNG image (the PNG signature is missing)")

            let empty = folder.appendingPathComponent("empty.png")
            try Data().write(to: empty)
            #expect(errorText { _ = try DecodedPNG.read(empty) } == "\(empty.path): the file is empty, not a PNG image")

            let missing = folder.appendingPathComponent("missing.png")
            #expect(errorText { _ = try DecodedPNG.read(missing) } == "\(missing.path): no such PNG image")
        }
    }

    @Test func refusesIndexBeyondPaletteWithoutCreatingAFile() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("bad.png")
            let image = DecodedPNG(
                width: 2, height: 1, pixels: .indexed([0, 2], palette: [RGBColor(0, 0, 0), RGBColor(9, 9, 9)]))
            #expect(errorText { try image.write(to: url) } == "\(url.path): a palette index is beyond the palette")
            let contents = try folderContents(folder)
            #expect(contents == [])
        }
    }
}
