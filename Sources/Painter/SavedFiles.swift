import Foundation

/// The four files of one save, `<name>-NNN.png`, `.mask.png`, `.instances.png` and `.json` in one folder, and the
/// `<name>-NNN.saving` file that claims the number while they are written (`SaveClaim`).
public struct SavedFiles: Sendable, Equatable {
    /// The picture at full resolution (RGB PNG).
    public let image: URL
    /// The painted grid as an indexed PNG with the class palette.
    public let mask: URL
    /// The instance ids of the grid, 16-bit greyscale PNG.
    public let instances: URL
    /// The `SessionRecord`, written last.
    public let session: URL
    /// Exists while the set is being written (and after a save that was killed midway).
    public let claim: URL

    /// The largest number a save takes. A file named with a larger one is not taken for a save (its number cannot
    /// be counted up from).
    public static let largestNumber = 999_999_999

    /// The files numbered `number` (three digits at least) for `name` in `folder`.
    public init(folder: URL, name: String, number: Int) {
        let stem = "\(name)-" + String(format: "%03d", number)
        image = folder.appendingPathComponent("\(stem).png")
        mask = folder.appendingPathComponent("\(stem).mask.png")
        instances = folder.appendingPathComponent("\(stem).instances.png")
        session = folder.appendingPathComponent("\(stem).json")
        claim = folder.appendingPathComponent("\(stem).saving")
    }

    /// The four files of the set, the JSON last.
    public var all: [URL] { [image, mask, instances, session] }

    /// The first free set of names after every earlier save of `name` in `folder`: one more than the highest
    /// number any file `<name>-NNN.*` there carries, so earlier saves are never overwritten (also not after one
    /// of them was deleted). Only a claim (`SaveClaim`) makes the number this save's own.
    public static func next(in folder: URL, name: String) throws -> SavedFiles {
        guard !name.isEmpty, !name.contains("/") else {
            throw PainterError("the save name '\(name)' must be a plain file name")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw PainterError("cannot save into \(folder.relativePath): no such folder")
        }
        let existing: [String]
        do { existing = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw PainterError(
                "cannot save into \(folder.relativePath): its files cannot be listed (\(error.localizedDescription))")
        }
        let prefix = "\(name)-"
        let largestDigits = String(largestNumber).count
        let highest =
            existing.compactMap { file -> Int? in
                guard file.hasPrefix(prefix) else { return nil }
                let digits = file.dropFirst(prefix.count).prefix { $0.isASCII && $0.isNumber }
                return digits.isEmpty || digits.count > largestDigits ? nil : Int(digits)
            }.max() ?? 0
        for number in stride(from: highest + 1, through: largestNumber, by: 1) {
            let files = SavedFiles(folder: folder, name: name, number: number)
            if !(files.all + [files.claim]).contains(where: { FileManager.default.fileExists(atPath: $0.path) }) {
                return files
            }
        }
        throw PainterError(
            "cannot save into \(folder.relativePath): \(name)-\(largestNumber) is taken, the largest number a save takes; save under another name or into another folder"
        )
    }
}
