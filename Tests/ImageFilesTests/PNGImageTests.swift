import CLADE
import Foundation
import Testing

@testable import ImageFiles

@Suite struct PNGImageTests {
    @Test func convertsGeneratorOutputToBytesWithRoundingAndClamping() {
        // [3, 1, 4]: R, G, B planes of four pixels.
        let tensor = Tensor(
            shape: [3, 1, 4],
            data: [
                -1, 0, 1, 2,
                -2, 0.5, -0.999, .nan,
                1, -1, 0.004, 0.003,
            ])
        let image = PNGImage(tensor: tensor)
        #expect(image.width == 4 && image.height == 1)
        #expect(
            image.pixels == [
                0, 0, 255,
                128, 191, 0,
                255, 0, 128,
                255, 0, 128,
            ])
    }

    @Test func tensorOfBytesIsInMinusOneToOne() {
        let image = PNGImage(width: 2, height: 1, pixels: [0, 255, 51, 102, 153, 204])
        let tensor = image.tensor
        #expect(tensor.shape == [3, 1, 2])
        let bytes: [Float] = [0, 102, 255, 153, 51, 204]
        #expect(tensor.data == bytes.map { $0 / 127.5 - 1 })
        #expect(PNGImage(tensor: tensor) == image)
    }

    @Test func writesAndReadsRGB() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("picture.png")
            let image = PNGImage(width: 5, height: 3, pixels: (0 ..< 45).map { UInt8($0 * 5) })
            try image.write(to: url)
            #expect(try PNGImage.read(url) == image)
            let replacement = PNGImage(width: 1, height: 1, pixels: [1, 2, 3])
            try replacement.write(to: url)
            #expect(try PNGImage.read(url) == replacement)
            let contents = try folderContents(folder)
            #expect(contents == ["picture.png"])
        }
    }

    /// The fast setting changes only the compression: the same pixels come back, from a file of another size.
    @Test func fastWriteKeepsThePixels() throws {
        try withTemporaryFolder { folder throws in
            // Gradients with a ripple: compressible, but not trivially.
            let pixels: [UInt8] = (0 ..< 64 * 48 * 3).map { (index: Int) -> UInt8 in
                UInt8((index * 7 + (index / 192) * 3 + index % 5) % 256)
            }
            let image = PNGImage(width: 64, height: 48, pixels: pixels)
            let (fast, standard) = (
                folder.appendingPathComponent("fast.png"), folder.appendingPathComponent("standard.png")
            )
            try image.write(to: fast, fast: true)
            try image.write(to: standard)
            #expect(try PNGImage.read(fast) == image)
            #expect(try PNGImage.read(standard) == image)
            let size = { (url: URL) in try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int }
            #expect(try size(fast) != size(standard))
        }
    }

    @Test func readsOtherLayoutsAsRGB() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("in.png")
            try HandMadePNG.write(HandMadePNG.palette2, to: url)
            #expect(
                try PNGImage.read(url).pixels == [
                    10, 20, 30, 200, 100, 50, 0, 255, 0, 0, 255, 0, 200, 100, 50, 10, 20, 30,
                ])
            try HandMadePNG.write(HandMadePNG.grey1, to: url)
            #expect(
                try PNGImage.read(url).pixels == [
                    255, 255, 255, 0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255,
                ])
            try HandMadePNG.write(HandMadePNG.greyAlpha8, to: url)
            #expect(try PNGImage.read(url).pixels == [50, 50, 50, 200, 200, 200])
            try DecodedPNG(width: 3, height: 1, pixels: .grey16([0, 32_896, 65_535])).write(
                to: folder.appendingPathComponent("grey16.png"))
            #expect(
                try PNGImage.read(folder.appendingPathComponent("grey16.png")).pixels == [
                    0, 0, 0, 128, 128, 128, 255, 255, 255,
                ])
        }
    }

    @Test func unwritableFolderGivesAClearErrorAndNoFile() throws {
        try withTemporaryFolder { folder throws in
            let image = PNGImage(width: 1, height: 1, pixels: [9, 9, 9])
            // Root ignores permission bits; /sys refuses new files even to root.
            let locked: URL
            if getuid() == 0 {
                locked = URL(fileURLWithPath: "/sys")
            } else {
                locked = folder.appendingPathComponent("locked")
                try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
                try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)
            }
            let url = locked.appendingPathComponent("clade-paint-test.png")
            let before = try folderContents(locked)
            #expect(errorText { try image.write(to: url) } == "\(url.path): cannot create the file: Permission denied")
            let after = try folderContents(locked)
            #expect(after == before)
        }
    }
}
