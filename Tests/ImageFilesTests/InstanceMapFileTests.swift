import CLADE
import Foundation
import Testing

@testable import ImageFiles

@Suite struct InstanceMapFileTests {
    @Test func roundTripsSixteenBitIds() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("instances.png")
            let map = InstanceMap(width: 3, height: 2, ids: [0, 26_001, 26_002, 0, 24_000, 65_535])
            try InstanceMapFile.write(map, to: url)
            #expect(try InstanceMapFile.read(url) == map)
        }
    }

    @Test func readsEightBitAndLowBitDepthGrey() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("instances.png")
            try DecodedPNG(width: 2, height: 2, pixels: .grey8([0, 7, 7, 200], bitDepth: 8)).write(to: url)
            #expect(try InstanceMapFile.read(url) == InstanceMap(width: 2, height: 2, ids: [0, 7, 7, 200]))
            try HandMadePNG.write(HandMadePNG.grey1, to: url)
            #expect(try InstanceMapFile.read(url).ids == [1, 0, 1, 0, 1, 1])
        }
    }

    @Test func colourFilesAreRefusedWithTheReason() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("instances.png")
            try PNGImage(width: 1, height: 1, pixels: [1, 2, 3]).write(to: url)
            #expect(
                errorText { _ = try InstanceMapFile.read(url) }
                    == "\(url.path): an instance map must be a greyscale PNG (8 or 16 bit) "
                    + "holding one instance id per pixel, but this is an RGB colour PNG; save the ids as grey values")
        }
    }

    @Test func sizeMismatchWithTheLabelMapNamesBothFiles() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("instances.png")
            try InstanceMapFile.write(InstanceMap(zerosWidth: 4, height: 2), to: url)
            let labels = LabelMap(width: 4, height: 4, classes: [Int32](repeating: 0, count: 16))
            #expect(
                errorText { _ = try InstanceMapFile.read(url, matching: labels, labelMapPath: "mask.png") }
                    == "\(url.path): the instance map is 4x2 pixels but the label map mask.png is 4x4; they must have the same size"
            )
            let matching = LabelMap(width: 4, height: 2, classes: [Int32](repeating: 0, count: 8))
            #expect(
                try InstanceMapFile.read(url, matching: matching, labelMapPath: "mask.png")
                    == InstanceMap(zerosWidth: 4, height: 2))
        }
    }

    @Test func idsThatDoNotFitSixteenBitsAreRefusedWithoutAFile() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("instances.png")
            let map = InstanceMap(width: 2, height: 1, ids: [3, 70_000])
            #expect(
                errorText { try InstanceMapFile.write(map, to: url) }
                    == "\(url.path): pixel (x 1, y 0): instance id 70000 does not fit a 16-bit PNG (0 to 65535)")
            let contents = try folderContents(folder)
            #expect(contents == [])
        }
    }
}
