import CLADE
import Foundation
import Testing

@testable import ImageFiles

@Suite struct DataSetLabelFormatTests {
    /// Writes `values` (3 wide, 2 high) as an 8-bit grey PNG and reads it as `format`'s label file.
    func read(_ values: [UInt8], as format: DataSetLabelFormat, in folder: URL) throws -> LabelMap {
        let url = folder.appendingPathComponent("labels.png")
        try DecodedPNG(width: 3, height: 2, pixels: .grey8(values, bitDepth: 8)).write(to: url)
        return try format.read(url)
    }

    @Test func rawValuesBecomeClassIndicesAsTheOfficialLoadersMakeThem() throws {
        try withTemporaryFolder { folder throws in
            #expect(try read([0, 1, 181, 255, 0, 7], as: .coco, in: folder).classes == [0, 1, 181, 182, 0, 7])
            #expect(try read([0, 1, 150, 2, 0, 7], as: .ade20k, in: folder).classes == [0, 1, 150, 2, 0, 7])
            #expect(try read([0, 1, 33, 34, 26, 7], as: .cityscapes, in: folder).classes == [0, 1, 33, 34, 26, 7])
        }
        #expect(DataSetLabelFormat.allCases.map(\.classCount) == [183, 151, 35])
    }

    @Test func aValueTheDataSetDoesNotHaveIsRefusedWithItsPixel() throws {
        let message = try withTemporaryFolder { folder throws in
            errorText { _ = try read([0, 1, 2, 3, 200, 5], as: .coco, in: folder) }?
                .replacingOccurrences(of: folder.appendingPathComponent("labels.png").relativePath, with: "labels.png")
        }
        #expect(
            message
                == "labels.png: pixel (x 1, y 1): label value 200 is not a COCO-Stuff label (0 to 181, or 255 for unlabeled)"
        )
    }

    @Test func aColourFileIsNotALabelFile() throws {
        let message = try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("labels.png")
            try DecodedPNG(width: 1, height: 1, pixels: .rgb([1, 2, 3])).write(to: url)
            return errorText { _ = try DataSetLabelFormat.ade20k.read(url) }
        }
        #expect(
            message?.hasSuffix(
                "ADE20K label files are 8-bit greyscale PNGs of label values, but this is an RGB colour PNG") == true)
    }
}

@Suite struct QuantizationTests {
    @Test func roundingAndTruncationDifferOnlyInTheLastStep() {
        // (v + 1) * 127.5: -1 -> 0, 1 -> 255, 0 -> 127.5, 0.999 -> 254.87...
        let values: [Float] = [-1, 1, 0, 0.999, -0.996, 2, -3, .nan]
        #expect(values.map(Quantization.round.byte) == [0, 255, 128, 255, 1, 255, 0, 0])
        #expect(values.map(Quantization.truncate.byte) == [0, 255, 127, 254, 0, 255, 0, 0])
        let picture = PNGImage(tensor: Tensor(shape: [3, 1, 1], data: [0, 0.999, -1]), quantization: .truncate)
        #expect(picture.pixels == [127, 254, 0])
    }
}
