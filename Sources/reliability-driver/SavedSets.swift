import CLADE
import Foundation
import ImageFiles
import Painter

/// The check of an output folder that painters saved into (also several at once, also killed midway): every set
/// with its JSON is complete and consistent (its session record draws its picture again, bit for bit, from its mask
/// and instance map: no set mixes two paintings); a set without its JSON is an interrupted save, marked by its
/// `.saving` claim, whose files each read back whole; nothing else lies there.
struct SavedSets {
    /// Sets with their JSON, by file name of the JSON, with their canvases.
    var complete: [String: Canvas] = [:]
    /// Numbers whose `.saving` claim is still there.
    var unfinished: [String] = []
    /// Hidden temporary files of an interrupted atomic write.
    var temporary = 0

    init(folder: URL, model: PaintModel) throws {
        guard FileManager.default.fileExists(atPath: folder.path) else { return }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let stems = Set(
            names.compactMap { name -> String? in
                guard !name.hasPrefix("."), let dash = name.lastIndex(of: "-") else { return nil }
                return name[dash...].firstIndex(of: ".").map { String(name[..<$0]) }
            })
        for name in names where name.hasPrefix(".") { temporary += 1 }
        for name in names where !name.hasPrefix(".") {
            guard stems.contains(where: { name.hasPrefix($0 + ".") }),
                [".png", ".mask.png", ".instances.png", ".json", ".saving"].contains(where: { name.hasSuffix($0) })
            else { throw DriverError("unexpected file \(name) in the output folder") }
        }
        for stem in stems.sorted() {
            let files = SavedFiles(
                folder: folder, name: String(stem[..<stem.lastIndex(of: "-")!]),
                number: Int(stem[stem.index(after: stem.lastIndex(of: "-")!)...]) ?? -1)
            let claimed = FileManager.default.fileExists(atPath: files.claim.path)
            if FileManager.default.fileExists(atPath: files.session.path) {
                // The JSON is written last: all four files are there and whole.
                let record = try SessionRecord.read(files.session)
                let request = try record.renderRequest(
                    recordURL: files.session, palette: model.palette, config: model.config)
                guard try model.render(request) == PNGImage.read(files.image) else {
                    throw DriverError(
                        "\(files.image.lastPathComponent) is not the picture of \(files.session.lastPathComponent): the set mixes two paintings"
                    )
                }
                complete[files.session.lastPathComponent] = Canvas(labels: request.labels, instances: request.instances)
            } else {
                guard claimed else {
                    throw DriverError("\(stem) has no .json and no .saving claim: an unrecognisable set")
                }
                unfinished.append(stem)
                if FileManager.default.fileExists(atPath: files.image.path) { _ = try PNGImage.read(files.image) }
                if FileManager.default.fileExists(atPath: files.mask.path) {
                    _ = try LabelMapFile.read(files.mask, palette: model.palette, classCount: model.config.classCount)
                }
                if FileManager.default.fileExists(atPath: files.instances.path) {
                    _ = try InstanceMapFile.read(files.instances)
                }
            }
        }
    }
}
