import Foundation

/// The four files of one save, `<name>-NNN.png`, `.mask.png`, `.instances.png` and `.json` in one folder.
public struct SavedFiles: Sendable, Equatable {
    /// The picture at full resolution (RGB PNG).
    public let image: URL
    /// The painted grid as an indexed PNG with the class palette.
    public let mask: URL
    /// The instance ids of the grid, 16-bit greyscale PNG.
    public let instances: URL
    /// The `SessionRecord`.
    public let session: URL

    /// The files numbered `number` (three digits at least) for `name` in `folder`.
    public init(folder: URL, name: String, number: Int) {
        let stem = "\(name)-" + String(format: "%03d", number)
        image = folder.appendingPathComponent("\(stem).png")
        mask = folder.appendingPathComponent("\(stem).mask.png")
        instances = folder.appendingPathComponent("\(stem).instances.png")
        session = folder.appendingPathComponent("\(stem).json")
    }

    public var all: [URL] { [image, mask, instances, session] }

    /// The first free set of names after every earlier save of `name` in `folder`: one more than the highest
    /// number any file `<name>-NNN.*` there carries, so earlier saves are never overwritten (also not after one
    /// of them was deleted).
    public static func next(in folder: URL, name: String) throws -> SavedFiles {
        guard !name.isEmpty, !name.contains("/") else { throw PainterError("the save name '\(name)' must be a plain file name") }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw PainterError("cannot save into \(folder.relativePath): no such folder")
        }
        let existing = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        let prefix = "\(name)-"
        let highest = existing.compactMap { file -> Int? in
            guard file.hasPrefix(prefix) else { return nil }
            let digits = file.dropFirst(prefix.count).prefix { $0.isASCII && $0.isNumber }
            return digits.isEmpty ? nil : Int(digits)
        }.max() ?? 0
        var number = highest + 1
        while SavedFiles(folder: folder, name: name, number: number).all.contains(where: { FileManager.default.fileExists(atPath: $0.path) }) {
            number += 1
        }
        return SavedFiles(folder: folder, name: name, number: number)
    }
}
