import CLADE
import Foundation
import Testing

@testable import ImageFiles

@Suite struct LabelMapFileTests {
    let palette = try! Palette(
        parsing: """
            GIMP Palette
            Name: test classes
            135 206 235\tsky
              0 128   0\tgrass
              0   0 255\twater
            250 250 250\tsnow
            """, path: "test.gpl")
    let sky = RGBColor(135, 206, 235), grass = RGBColor(0, 128, 0), water = RGBColor(0, 0, 255),
        snow = RGBColor(250, 250, 250)

    /// Writes `pixels` (3 wide, 2 high) to a file in `folder` and reads it back as a label map.
    func read(_ pixels: DecodedPNG.Pixels, in folder: URL, classCount: Int = 4) throws -> LabelMap {
        let url = folder.appendingPathComponent("mask.png")
        try DecodedPNG(width: 3, height: 2, pixels: pixels).write(to: url)
        return try LabelMapFile.read(url, palette: palette, classCount: classCount)
    }

    /// The message of reading `pixels`, with the file's path replaced by `mask.png`.
    func failure(_ pixels: DecodedPNG.Pixels, classCount: Int = 4) throws -> String {
        try withTemporaryFolder { folder throws in
            let message = errorText { _ = try read(pixels, in: folder, classCount: classCount) } ?? "no error"
            return message.replacingOccurrences(of: folder.appendingPathComponent("mask.png").path, with: "mask.png")
        }
    }

    func rgb(_ colors: [RGBColor]) -> DecodedPNG.Pixels {
        .rgb(colors.flatMap { [$0.red, $0.green, $0.blue] })
    }

    @Test func writesIndexedPNGThatReadsBackAndShowsClassColours() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("layout.png")
            let map = LabelMap(width: 3, height: 2, classes: [0, 1, 2, 3, 2, 1])
            try LabelMapFile.write(map, palette: palette, to: url)
            #expect(try LabelMapFile.read(url, palette: palette, classCount: 4) == map)
            #expect(
                try PNGImage.read(url).pixels
                    == [sky, grass, water, snow, water, grass].flatMap { [$0.red, $0.green, $0.blue] })
        }
    }

    @Test func readsGreyIndexMapsAndColourMaps() throws {
        try withTemporaryFolder { folder throws in
            #expect(try read(.grey8([0, 1, 2, 2, 1, 0], bitDepth: 8), in: folder).classes == [0, 1, 2, 2, 1, 0])
            #expect(try read(.grey16([3, 1, 2, 2, 1, 0]), in: folder).classes == [3, 1, 2, 2, 1, 0])
            #expect(try read(rgb([water, sky, snow, grass, grass, sky]), in: folder).classes == [2, 0, 3, 1, 1, 0])
            let opaque: [UInt8] = [
                0, 0, 255, 255, 135, 206, 235, 255, 0, 128, 0, 255, 0, 128, 0, 255, 0, 0, 255, 255, 250, 250, 250, 255,
            ]
            #expect(try read(.rgba(opaque), in: folder).classes == [2, 0, 1, 1, 2, 3])
        }
    }

    @Test func indexedFileWithReorderedPaletteIsReadByItsColours() throws {
        try withTemporaryFolder { folder throws in
            // An editor that "optimised" the palette: index 0 shows water, 1 sky, 2 snow.
            let pixels = DecodedPNG.Pixels.indexed([0, 1, 2, 2, 1, 0], palette: [water, sky, snow])
            #expect(try read(pixels, in: folder).classes == [2, 0, 3, 3, 0, 2])
            // A palette that shows other colours (a data set's own visualisation): the indices are the classes.
            let own = DecodedPNG.Pixels.indexed(
                [0, 1, 2, 2, 1, 0], palette: [RGBColor(1, 1, 1), RGBColor(2, 2, 2), RGBColor(3, 3, 3)])
            #expect(try read(own, in: folder).classes == [0, 1, 2, 2, 1, 0])
        }
    }

    @Test func indexBeyondTheClassesNamesPixelAndRange() throws {
        let pixels = DecodedPNG.Pixels.indexed(
            [0, 1, 2, 2, 5, 7], palette: (0 ..< 8).map { RGBColor(UInt8($0), 0, 0) })
        #expect(
            try failure(pixels, classCount: 4)
                == "mask.png: pixel (x 1, y 1): palette index 5 is no class: the model has 4 classes (0 to 3); "
                + "2 pixels hold values beyond (5, 7). Remap the labels to 0 to 3 (raw data-set ids, 255 'ignore' labels and unshifted ADE20K maps are common causes)"
        )
    }

    @Test func greyValueBeyondTheClassesNamesPixelAndRange() throws {
        let message = try failure(.grey8([0, 1, 150, 2, 255, 0], bitDepth: 8), classCount: 150)
        #expect(
            message.hasPrefix(
                "mask.png: pixel (x 2, y 0): label value 150 is no class: the model has 150 classes (0 to 149); 2 pixels hold values beyond (150, 255)."
            ))
    }

    @Test func blackAndWhiteMaskIsNamedAsSuch() throws {
        let grey = try failure(.grey8([0, 255, 255, 0, 0, 0], bitDepth: 8))
        #expect(
            grey.hasPrefix(
                "mask.png: pixel (x 1, y 0): label value 255 in what looks like a black-and-white mask (only 0 and 255)"
            ))
        #expect(grey.contains("for example 1 instead of 255"))
        let white = RGBColor(255, 255, 255)
        let black = RGBColor(0, 0, 0)
        let colour = try failure(rgb([black, black, white, white, black, black]))
        #expect(
            colour.hasPrefix(
                "mask.png: pixel (x 0, y 0): colour #000000 (0, 0, 0) in what looks like a black-and-white mask"))
    }

    @Test func colourThatIsNoClassNamesPixelColourAndNearestClass() throws {
        let blend = RGBColor(60, 160, 110)
        let message = try failure(rgb([sky, sky, grass, grass, blend, blend]))
        #expect(
            message.hasPrefix(
                "mask.png: pixel (x 1, y 1): colour #3ca06e (60, 160, 110) is no class of palette 'test classes'; "
                    + "the nearest class is 1 'grass' #008000. 2 pixels have colours outside the palette: anti-aliased brush edges are the usual cause"
            ))
    }

    @Test func classIdsSavedAsRGBGreyAreRecognised() throws {
        let message = try failure(
            rgb([
                RGBColor(0, 0, 0), RGBColor(1, 1, 1), RGBColor(2, 2, 2), RGBColor(2, 2, 2), RGBColor(1, 1, 1),
                RGBColor(0, 0, 0),
            ]))
        #expect(message.contains("looks like class ids stored as RGB grey: save it as an 8-bit greyscale PNG"))
    }

    @Test func paletteColourBeyondTheModelsClassesIsAnError() throws {
        let message = try failure(rgb([sky, grass, water, water, snow, sky]), classCount: 3)
        #expect(
            message
                == "mask.png: pixel (x 1, y 1): colour #fafafa (250, 250, 250) is class 3 'snow' of palette 'test classes', but the model has 3 classes (0 to 2)"
        )
    }

    @Test func transparentPixelsAreRefused() throws {
        var pixels = [UInt8](repeating: 255, count: 24)
        pixels[4 * 5 + 3] = 0
        let message = try failure(.rgba(pixels))
        #expect(message.hasPrefix("mask.png: pixel (x 2, y 1): the pixel is not opaque (alpha 0)"))
    }

    @Test func unreadableInputNamesTheFile() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("mask.png")
            try "P6 not a png".write(to: url, atomically: false, encoding: .utf8)
            #expect(
                errorText { _ = try LabelMapFile.read(url, palette: palette, classCount: 4) }
                    == "\(url.path): not a PNG image (the PNG signature is missing)")
        }
    }

    @Test func classWithoutColourIsRefusedBeforeAnythingIsWritten() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("out.png")
            let map = LabelMap(width: 2, height: 2, classes: [0, 1, 4, 2])
            #expect(
                errorText { try LabelMapFile.write(map, palette: palette, to: url) }
                    == "\(url.path): pixel (x 0, y 1): class 4 has no colour in palette 'test classes' (4 colours)")
            let contents = try folderContents(folder)
            #expect(contents == [])
        }
    }
}
