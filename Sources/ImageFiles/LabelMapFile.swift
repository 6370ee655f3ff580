import CLADE
import Foundation

/// Label maps (one class id per pixel) as PNG files.
///
/// Accepted on reading:
/// - indexed PNG: the raw indices are the classes. When an editor has reordered the file's palette (every
///   used colour is a class colour, but not at its class's index), the visible colours decide instead.
/// - greyscale PNG of any bit depth: the grey value is the class.
/// - RGB or opaque RGBA PNG: every colour must be a colour of the class palette.
/// Written: indexed 8-bit PNG whose palette is the class palette, so the file holds raw class ids and shows
/// the classes in any viewer.
public enum LabelMapFile {
    /// Reads a label map and checks every class against `classCount` (the model's class-bank rows).
    /// `check` sees the header first and throws to refuse a map before it is decoded (larger than the picture, say).
    public static func read(
        _ url: URL, palette: Palette, classCount: Int,
        checkingHeader check: (PNGHeader) throws -> Void = { _ in }
    ) throws -> LabelMap {
        precondition(classCount > 0, "a model has at least one class")
        var colourType = PNGHeader.ColourType.indexed
        let file = try DecodedPNG.read(url) { header in
            colourType = header.colourType
            try check(header)
        }
        let reader = Reader(
            path: url.relativePath, file: file, palette: palette, classCount: classCount,
            greyWithAlpha: colourType == .greyAlpha)
        let classes: [Int32]
        switch file.pixels {
        case .indexed(let indices, let filePalette):
            classes = try reader.classes(indices: indices, filePalette: filePalette)
        case .grey8(let values, _):
            classes = try reader.classes(values: values.map(Int.init))
        case .grey16(let values):
            classes = try reader.classes(values: values.map(Int.init))
        case .rgb(let bytes):
            classes = try reader.classes(
                colors: (0 ..< file.width * file.height).map {
                    RGBColor(bytes[3 * $0], bytes[3 * $0 + 1], bytes[3 * $0 + 2])
                })
        case .rgba(let bytes):
            if let index = stride(from: 3, to: bytes.count, by: 4).first(where: { bytes[$0] != 255 }).map({ $0 / 4 }) {
                throw reader.error(
                    at: index,
                    "the pixel is not opaque (alpha \(bytes[4 * index + 3])); "
                        + "a label map must be opaque: flatten the image or remove the alpha channel before saving")
            }
            classes = try reader.classes(
                colors: (0 ..< file.width * file.height).map {
                    RGBColor(bytes[4 * $0], bytes[4 * $0 + 1], bytes[4 * $0 + 2])
                })
        }
        return LabelMap(width: file.width, height: file.height, classes: classes)
    }

    /// Writes `labelMap` as an indexed PNG with `palette` as its colours, atomically.
    public static func write(_ labelMap: LabelMap, palette: Palette, to url: URL) throws {
        let path = url.relativePath
        guard palette.count <= 256 else {
            throw ImageFileError(
                path: path,
                problem: "palette '\(palette.name)' has \(palette.count) colours; an indexed PNG holds at most 256")
        }
        var indices = [UInt8](repeating: 0, count: labelMap.classes.count)
        for (index, value) in labelMap.classes.enumerated() {
            guard value >= 0 && Int(value) < palette.count else {
                throw ImageFileError(
                    path: path, place: .pixel(x: index % labelMap.width, y: index / labelMap.width),
                    problem: "class \(value) has no colour in palette '\(palette.name)' (\(palette.count) colours)")
            }
            indices[index] = UInt8(value)
        }
        let file = DecodedPNG(
            width: labelMap.width, height: labelMap.height,
            pixels: .indexed(indices, palette: palette.entries.map(\.color)))
        try file.write(to: url)
    }

    /// Turns the pixels of one file into class ids, with messages that say what is wrong and how to fix it.
    private struct Reader {
        let path: String
        let file: DecodedPNG
        let palette: Palette
        let classCount: Int
        /// A grey+alpha file, which the decoder hands over as RGBA.
        let greyWithAlpha: Bool

        func error(at index: Int, _ problem: String) -> ImageFileError {
            ImageFileError(path: path, place: .pixel(x: index % file.width, y: index / file.width), problem: problem)
        }

        private var classRange: String {
            "the model has \(classCount) classes (0 to \(classCount - 1))"
        }

        func classes(indices: [UInt8], filePalette: [RGBColor]) throws -> [Int32] {
            var used = [Bool](repeating: false, count: 256)
            for index in indices { used[Int(index)] = true }
            let usedIndices = (0 ..< 256).filter { used[$0] }
            let showsClassColors = usedIndices.allSatisfy {
                $0 < filePalette.count && $0 < palette.count && filePalette[$0] == palette.entries[$0].color
            }
            let classOfUsedIndex = usedIndices.map { $0 < filePalette.count ? palette.index(of: filePalette[$0]) : nil }
            guard !showsClassColors, !classOfUsedIndex.contains(nil) else {
                return try classes(values: indices.map(Int.init), kind: "palette index")
            }
            // An editor reordered the palette: every used colour is a class colour, so the colours decide.
            var classOfIndex = [Int](repeating: 0, count: 256)
            for (index, classID) in zip(usedIndices, classOfUsedIndex.compactMap { $0 }) {
                classOfIndex[index] = classID
            }
            if let pixel = indices.firstIndex(where: { classOfIndex[Int($0)] >= classCount }) {
                let color = filePalette[Int(indices[pixel])]
                let classID = classOfIndex[Int(indices[pixel])]
                throw error(
                    at: pixel,
                    "colour \(color) is class \(classID) '\(palette.entries[classID].name)' of palette '\(palette.name)', but \(classRange)"
                )
            }
            return indices.map { Int32(classOfIndex[Int($0)]) }
        }

        func classes(values: [Int], kind: String = "label value") throws -> [Int32] {
            guard let first = values.firstIndex(where: { $0 >= classCount }) else {
                return values.map(Int32.init)
            }
            let distinct = Set(values)
            if distinct.isSubset(of: [0, 255]) {
                throw error(
                    at: first,
                    "\(kind) 255 in what looks like a black-and-white mask (only 0 and 255): a label map holds one class id per pixel and \(classRange). "
                        + "Store the class id itself (for example 1 instead of 255), or paint with the colours of palette '\(palette.name)'"
                )
            }
            let outside = distinct.filter { $0 >= classCount }.sorted()
            let listed = outside.prefix(6).map(String.init).joined(separator: ", ") + (outside.count > 6 ? ", ..." : "")
            let pixels = values.count(where: { $0 >= classCount })
            throw error(
                at: first,
                "\(kind) \(values[first]) is no class: \(classRange); \(pixels) pixels hold values beyond (\(listed)). "
                    + "Remap the labels to 0 to \(classCount - 1) (raw data-set ids, 255 'ignore' labels and unshifted ADE20K maps are common causes)"
            )
        }

        func classes(colors: [RGBColor]) throws -> [Int32] {
            var classOfColor: [RGBColor: Int?] = [:]
            var classes = [Int32](repeating: 0, count: colors.count)
            var firstUnknown: Int?
            var unknownPixels = 0
            for (pixel, color) in colors.enumerated() {
                let found: Int?
                if let cached = classOfColor[color] {
                    found = cached
                } else {
                    found = palette.index(of: color)
                    classOfColor[color] = found
                }
                guard let classID = found else {
                    firstUnknown = firstUnknown ?? pixel
                    unknownPixels += 1
                    continue
                }
                guard classID < classCount else {
                    throw error(
                        at: pixel,
                        "colour \(color) is class \(classID) '\(palette.entries[classID].name)' of palette '\(palette.name)', but \(classRange)"
                    )
                }
                classes[pixel] = Int32(classID)
            }
            guard let pixel = firstUnknown else { return classes }
            let color = colors[pixel]
            let black = RGBColor(0, 0, 0)
            let white = RGBColor(255, 255, 255)
            if Set(classOfColor.keys).isSubset(of: [black, white]) {
                throw error(
                    at: pixel,
                    "colour \(color) in what looks like a black-and-white mask: a label map needs the colours of palette '\(palette.name)' "
                        + "(or class ids as grey values), one per class")
            }
            if classOfColor.keys.allSatisfy({ $0.red == $0.green && $0.green == $0.blue && Int($0.red) < classCount }) {
                if greyWithAlpha {
                    throw error(
                        at: pixel,
                        "grey \(color.red) is no class colour of palette '\(palette.name)'; the map looks like class ids as grey values, "
                            + "but it is a greyscale PNG with an alpha channel, read as colours: remove the alpha channel (save as greyscale without alpha)"
                    )
                }
                throw error(
                    at: pixel,
                    "colour \(color) is no class colour of palette '\(palette.name)'; the map looks like class ids stored as RGB grey: "
                        + "save it as an 8-bit greyscale PNG, or paint with the palette's colours")
            }
            let nearest = palette.nearest(to: color)
            throw error(
                at: pixel,
                "colour \(color) is no class of palette '\(palette.name)'; the nearest class is \(nearest) '\(palette.entries[nearest].name)' "
                    + "\(palette.entries[nearest].color.hex). \(unknownPixels) pixels have colours outside the palette: anti-aliased brush edges are the usual cause, "
                    + "so paint with a hard brush (no anti-aliasing, no smoothing) and the palette's exact colours")
        }
    }
}
