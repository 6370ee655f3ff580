import CLADE
import Foundation

/// Label files as the public data sets ship them: 8-bit grey (or indexed) PNGs whose values are the data set's own
/// label values, which the official SPADE/CLADE loaders turn into class indices (docs/public-models.md, section 3).
public enum DataSetLabelFormat: String, Sendable, CaseIterable {
    /// COCO-Stuff: value k (0 to 181) is class k; 255 (unlabeled) is the dontcare class 182.
    case coco
    /// ADE20K: value k (0 = unknown, 1 to 150) is class row k. The official loaders mean to shift the values down by
    /// one (unknown to row 150), but their `postprocess` assigns the shifted map to a local variable only, so the
    /// public ADE20K models were trained and are tested with the raw values as rows.
    case ade20k
    /// Cityscapes `*_labelIds.png`: value k (0 to 34) is class k.
    case cityscapes

    /// The rows of the class bank that a model of this data set has.
    public var classCount: Int {
        switch self {
        case .coco: 183
        case .ade20k: 151
        case .cityscapes: 35
        }
    }

    /// The data set's name, for messages.
    public var dataSetName: String {
        switch self {
        case .coco: "COCO-Stuff"
        case .ade20k: "ADE20K"
        case .cityscapes: "Cityscapes"
        }
    }

    /// The class index of a raw label value, or nil when the data set has no such value.
    public func classIndex(ofValue value: Int) -> Int32? {
        switch self {
        case .coco: value < 182 ? Int32(value) : value == 255 ? 182 : nil
        case .ade20k: value <= 150 ? Int32(value) : nil
        case .cityscapes: value < 35 ? Int32(value) : nil
        }
    }

    /// What values a file may hold, for messages.
    private var valueDescription: String {
        switch self {
        case .coco: "0 to 181, or 255 for unlabeled"
        case .ade20k: "0 (unknown) to 150"
        case .cityscapes: "label ids 0 to 34"
        }
    }

    /// Reads a label file of this data set as class indices, at the file's own size.
    public func read(_ url: URL) throws -> LabelMap {
        let file = try DecodedPNG.read(url)
        let values: [UInt8]
        switch file.pixels {
        case .grey8(let grey, 8): values = grey
        case .indexed(let indices, _): values = indices
        default:
            throw ImageFileError(
                path: url.relativePath,
                problem: "\(dataSetName) label files are 8-bit greyscale PNGs of label values, "
                    + "but this is \(file.kindDescription)")
        }
        var classes = [Int32](repeating: 0, count: values.count)
        for (index, value) in values.enumerated() {
            guard let label = classIndex(ofValue: Int(value)) else {
                throw ImageFileError(
                    path: url.relativePath, place: .pixel(x: index % file.width, y: index / file.width),
                    problem: "label value \(value) is not a \(dataSetName) label (\(valueDescription))")
            }
            classes[index] = label
        }
        return LabelMap(width: file.width, height: file.height, classes: classes)
    }
}
