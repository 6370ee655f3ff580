import CLADE
import Foundation

/// Instance maps (one instance id per pixel) as greyscale PNG files: 8-bit, or 16-bit for ids such as
/// Cityscapes' `class * 1000 + instance`. Instance ids only tell objects of one class apart; 0 means none.
public enum InstanceMapFile {
    /// Reads a greyscale PNG of any bit depth; the grey values are the instance ids.
    public static func read(_ url: URL, checkingHeader check: (PNGHeader) throws -> Void = { _ in }) throws
        -> InstanceMap
    {
        let file = try DecodedPNG.read(url, checkingHeader: check)
        switch file.pixels {
        case .grey8(let values, _):
            return InstanceMap(width: file.width, height: file.height, ids: values.map(Int32.init))
        case .grey16(let values):
            return InstanceMap(width: file.width, height: file.height, ids: values.map(Int32.init))
        case .indexed, .rgb, .rgba:
            throw ImageFileError(
                path: url.relativePath,
                problem: "an instance map must be a greyscale PNG (8 or 16 bit) holding one instance id per pixel, "
                    + "but this is \(file.kindDescription); save the ids as grey values")
        }
    }

    /// Reads an instance map that belongs to `labelMap` (read from `labelMapPath`); both must have one size, which
    /// is checked from the header, before decoding.
    public static func read(_ url: URL, matching labelMap: LabelMap, labelMapPath: String) throws -> InstanceMap {
        try read(url) { header in
            guard header.width == labelMap.width && header.height == labelMap.height else {
                throw ImageFileError(
                    path: url.relativePath,
                    problem: "the instance map is \(header.width)x\(header.height) pixels but the label map "
                        + "\(labelMapPath) is \(labelMap.width)x\(labelMap.height); they must have the same size")
            }
        }
    }

    /// Writes `instances` as a 16-bit greyscale PNG, atomically.
    public static func write(_ instances: InstanceMap, to url: URL) throws {
        if let index = instances.ids.firstIndex(where: { !(0 ... 65535).contains($0) }) {
            throw ImageFileError(
                path: url.relativePath, place: .pixel(x: index % instances.width, y: index / instances.width),
                problem: "instance id \(instances.ids[index]) does not fit a 16-bit PNG (0 to 65535)")
        }
        let file = DecodedPNG(
            width: instances.width, height: instances.height, pixels: .grey16(instances.ids.map { UInt16($0) }))
        try file.write(to: url)
    }
}
