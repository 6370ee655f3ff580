import CLADE
import Foundation
import Testing

@testable import ImageFiles

#if canImport(Glibc)
    import Glibc
#endif

/// The checks made before a file is opened or decoded, and before an output is put in place.
@Suite struct InputGuardTests {
    /// A PNG's signature and IHDR chunk (CRC left zero) declaring `width x height`: all `PNGHeader` reads.
    func header(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colourType: UInt8 = 3) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        for value in [width, height] { bytes += withUnsafeBytes(of: value.bigEndian, Array.init) }
        bytes += [bitDepth, colourType, 0, 0, 0, 0, 0, 0, 0]
        return Data(bytes)
    }

    @Test func onlyRegularFilesPassAndNothingIsOpened() throws {
        try withTemporaryFolder { folder throws in
            let pipe = folder.appendingPathComponent("pipe.png")
            #expect(mkfifo(pipe.path, 0o600) == 0)
            // stat alone decides: a blocking open of the pipe would hang this test.
            #expect(
                errorText { try RegularFile.check(pipe.path, kind: "mask file") }
                    == "\(pipe.path): this is a named pipe (FIFO), not a mask file (only regular files are read)")
            #expect(
                errorText { try RegularFile.check("/dev/zero", kind: "palette file") }
                    == "/dev/zero: this is a character device, not a palette file (only regular files are read)")
            #expect(
                errorText { try RegularFile.check(folder.path) }?.hasSuffix(
                    "this is a folder, not a file (only regular files are read)") == true)
            #expect(
                errorText { try RegularFile.check(folder.appendingPathComponent("none").path, kind: "model file") }?
                    .hasSuffix(": no such model file") == true)
            let file = folder.appendingPathComponent("file.txt")
            try Data("x".utf8).write(to: file)
            try RegularFile.check(file.path)
            let link = folder.appendingPathComponent("link.txt")
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
            try RegularFile.check(link.path)
            // Every PNG reader and the palette reader go through the check.
            #expect(
                errorText { _ = try PNGImage.read(pipe) }?.hasSuffix(
                    "this is a named pipe (FIFO), not a PNG image (only regular files are read)") == true)
            #expect(
                errorText { _ = try Palette(contentsOf: pipe) }?.hasSuffix(
                    "this is a named pipe (FIFO), not a palette file (only regular files are read)") == true)
            #expect(
                errorText { _ = try PNGImage.read(folder) }?.hasSuffix(
                    "this is a folder, not a PNG image (only regular files are read)") == true)
        }
    }

    @Test func headersGiveTheSizeBeforeDecoding() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("h.png")
            try header(width: 32000, height: 32000).write(to: url)
            #expect(
                try PNGHeader.read(url) == PNGHeader(width: 32000, height: 32000, bitDepth: 8, colourType: .indexed))
            // The header is all that is read: the file holds no pixels, and the check refuses it first.
            struct TooLarge: Error {}
            #expect(throws: TooLarge.self) { try PNGImage.read(url) { _ in throw TooLarge() } }
            #expect(
                errorText { _ = try PNGImage.readReference(url) }
                    == "\(url.path): the reference picture is 32000x32000 pixels (1024 megapixels); the style encoder takes at most 64 megapixels (it scales the picture to 256x256): scale it down first"
            )

            let cases: [(Data, String)] = [
                (
                    header(width: 70000, height: 8),
                    "the image is 70000x8 pixels, larger than clade-paint reads (at most 65535 pixels a side and 1024 MiB of decoded pixels)"
                ),
                (
                    header(width: 30000, height: 30000, colourType: 6),
                    "the image is 30000x30000 pixels, larger than clade-paint reads"
                ),
                (
                    header(width: 0, height: 5),
                    "the PNG header gives the size 0x5 pixels, which no PNG can have; the file is damaged"
                ),
                (
                    header(width: 1 << 31, height: 5),
                    "the PNG header gives the size 2147483648x5 pixels, which no PNG can have; the file is damaged"
                ),
                (
                    header(width: 4, height: 4, colourType: 5),
                    "the PNG header gives colour type 5, which PNG does not define; the file is damaged"
                ),
                (header(width: 4, height: 4).prefix(20), "the file ends early: the PNG is truncated"),
                (
                    Data(
                        header(width: 4, height: 4).prefix(12) + Array("IDAT".utf8)
                            + header(width: 4, height: 4).dropFirst(16)),
                    "the PNG does not start with its header chunk (IHDR), so it is damaged"
                ),
                (Data(), "the file is empty, not a PNG image"),
                (Data("GIF89a, not a PNG at all, honestly".utf8), "not a PNG image (the PNG signature is missing)"),
            ]
            for (bytes, problem) in cases {
                try bytes.write(to: url)
                let message = errorText { _ = try PNGImage.read(url) } ?? "no error"
                #expect(message.hasPrefix("\(url.path): \(problem)"), "\(message)")
            }
        }
    }

    @Test func instanceMapOfAnotherSizeIsRefusedFromItsHeader() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("inst.png")
            try header(width: 32000, height: 32000, bitDepth: 16, colourType: 0).write(to: url)
            let labels = LabelMap(width: 4, height: 2, classes: [Int32](repeating: 0, count: 8))
            #expect(
                errorText { _ = try InstanceMapFile.read(url, matching: labels, labelMapPath: "mask.png") }
                    == "\(url.path): the instance map is 32000x32000 pixels but the label map mask.png is 4x2; they must have the same size"
            )
        }
    }

    /// A grey+alpha file of class ids was told to be saved as 8-bit grey, which it already is.
    @Test func greyWithAlphaMaskIsToldAboutItsAlphaChannel() throws {
        try withTemporaryFolder { folder throws in
            // PIL: Image.new('LA', (2, 1)) holding grey 1 and 2, fully opaque.
            let url = folder.appendingPathComponent("ga.png")
            try Data(
                base64Encoded:
                    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAQAAABeK7cBAAAADUlEQVR42mNk/M/IAAADDQEDs3iAEgAAAABJRU5ErkJggg==")!
                .write(to: url)
            #expect(try PNGHeader.read(url).colourType == .greyAlpha)
            let palette = Palette(
                name: "p",
                entries: [
                    .init(color: RGBColor(200, 0, 0), name: "a"), .init(color: RGBColor(0, 200, 0), name: "b"),
                    .init(color: RGBColor(0, 0, 200), name: "c"),
                ])
            let message = errorText { _ = try LabelMapFile.read(url, palette: palette, classCount: 3) } ?? ""
            #expect(message.contains("pixel (x 0, y 0): grey 1 is no class colour of palette 'p'"), "\(message)")
            #expect(
                message.contains(
                    "it is a greyscale PNG with an alpha channel, read as colours: remove the alpha channel"),
                "\(message)")
            #expect(!message.contains("save it as an 8-bit greyscale PNG"))
        }
    }

    @Test func onlyRegularFilesAreReplacedAndExistingOnesOnlyWhenAsked() throws {
        try withTemporaryFolder { folder throws in
            let target = folder.appendingPathComponent("target.txt")
            try Data("keep".utf8).write(to: target)
            let link = folder.appendingPathComponent("link.txt")
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "target.txt")
            let write: (URL, Bool) throws -> Void = { url, replacing in
                try AtomicFile.write(to: url, replacing: replacing) {
                    try "new".write(toFile: $0, atomically: false, encoding: .utf8)
                }
            }
            for replacing in [true, false] {
                #expect(
                    errorText { try write(link, replacing) }
                        == "\(link.path): cannot write: this is a symbolic link (to target.txt); only a regular file is replaced, so name the file itself"
                )
                #expect(
                    errorText { try write(URL(fileURLWithPath: "/dev/null"), replacing) }
                        == "/dev/null: cannot write: this is a character device; only a regular file is replaced")
            }
            #expect(
                errorText { try write(target, false) } == "\(target.path): cannot write: a file of that name exists")
            #expect(try String(contentsOf: target, encoding: .utf8) == "keep")
            let fresh = folder.appendingPathComponent("fresh.txt")
            try write(fresh, false)
            #expect(try String(contentsOf: fresh, encoding: .utf8) == "new")
            try write(target, true)
            #expect(try String(contentsOf: target, encoding: .utf8) == "new")
            #expect(try folderContents(folder) == ["fresh.txt", "link.txt", "target.txt"])
        }
    }

    /// Without `replacing`, a file that appears while the new one is written is kept: the name is claimed by a link,
    /// which fails on an existing name, rather than by a rename, which replaces it.
    @Test func aNameTakenDuringTheWriteIsNotOverwritten() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("out.txt")
            let message = errorText {
                try AtomicFile.write(to: url, replacing: false) { temporary in
                    try "mine".write(toFile: temporary, atomically: false, encoding: .utf8)
                    try "theirs".write(to: url, atomically: false, encoding: .utf8)
                }
            }
            #expect(message == "\(url.path): cannot write: a file of that name exists")
            #expect(try String(contentsOf: url, encoding: .utf8) == "theirs")
            #expect(try folderContents(folder) == ["out.txt"])
        }
    }
}
