import CLADE
import Foundation
import FuzzSupport
import ImageFiles

/// The label-map and instance-map PNG readers (libpng behind CPNG, then the class checks), on the input with its
/// chunk CRCs repaired. An accepted map must survive a write and a read back unchanged, and have the size its
/// header declared; a map whose header a caller refuses (larger than the picture, say) is never decoded.
FuzzSupport.run { data, count in
    let input = PNGChunks.repairingCRCs([UInt8](FuzzSupport.bytes(data, count)))
    let url = FuzzSupport.scratch.appendingPathComponent("input.png")
    try! Data(input).write(to: url)
    let copy = FuzzSupport.scratch.appendingPathComponent("copy.png")
    let palette = FuzzSupport.palette
    let header = try? PNGHeader.read(url)
    // As render does with a 16x16 picture: larger masks are refused from the header alone.
    struct Refused: Error {}
    var refusedHeader: PNGHeader?
    do {
        let small = try LabelMapFile.read(url, palette: palette, classCount: palette.count) { header in
            guard header.width <= 16 && header.height <= 16 else {
                refusedHeader = header
                throw Refused()
            }
        }
        FuzzSupport.require(
            small.width <= 16 && small.height <= 16, "a \(small.width)x\(small.height) map passed a 16x16 header check")
    } catch is Refused {
        FuzzSupport.require(
            refusedHeader == header,
            "the header check saw \(String(describing: refusedHeader)), PNGHeader.read \(String(describing: header))")
    } catch {}
    if let labels = try? LabelMapFile.read(url, palette: palette, classCount: palette.count) {
        FuzzSupport.require(
            labels.width == header?.width && labels.height == header?.height,
            "a \(labels.width)x\(labels.height) map whose header says \(String(describing: header))")
        FuzzSupport.require(
            labels.classes.count == labels.width * labels.height,
            "label map cells do not fill \(labels.width)x\(labels.height)")
        FuzzSupport.require(
            labels.classes.allSatisfy { $0 >= 0 && Int($0) < palette.count },
            "an accepted label map holds a class outside the palette")
        try! LabelMapFile.write(labels, palette: palette, to: copy)
        let again = try! LabelMapFile.read(copy, palette: palette, classCount: palette.count)
        FuzzSupport.require(again == labels, "a label map changed in a write and read back")
    }
    if let instances = try? InstanceMapFile.read(url) {
        FuzzSupport.require(
            instances.ids.count == instances.width * instances.height,
            "instance ids do not fill \(instances.width)x\(instances.height)")
        try! InstanceMapFile.write(instances, to: copy)
        FuzzSupport.require(
            try! InstanceMapFile.read(copy) == instances, "an instance map changed in a write and read back")
    }
    if let picture = try? PNGImage.read(url) {
        FuzzSupport.require(
            picture.pixels.count == picture.width * picture.height * 3,
            "picture pixels do not fill \(picture.width)x\(picture.height)")
    }
    return 0
}
