import CLADE
import Foundation
import FuzzSupport
import ImageFiles

/// The label-map and instance-map PNG readers (libpng behind CPNG, then the class checks), on the input with its
/// chunk CRCs repaired. An accepted map must survive a write and a read back unchanged.
FuzzSupport.run { data, count in
    let input = PNGChunks.repairingCRCs([UInt8](FuzzSupport.bytes(data, count)))
    let url = FuzzSupport.scratch.appendingPathComponent("input.png")
    try! Data(input).write(to: url)
    let copy = FuzzSupport.scratch.appendingPathComponent("copy.png")
    let palette = FuzzSupport.palette
    if let labels = try? LabelMapFile.read(url, palette: palette, classCount: palette.count) {
        FuzzSupport.require(labels.classes.count == labels.width * labels.height, "label map cells do not fill \(labels.width)x\(labels.height)")
        FuzzSupport.require(labels.classes.allSatisfy { $0 >= 0 && Int($0) < palette.count }, "an accepted label map holds a class outside the palette")
        try! LabelMapFile.write(labels, palette: palette, to: copy)
        let again = try! LabelMapFile.read(copy, palette: palette, classCount: palette.count)
        FuzzSupport.require(again == labels, "a label map changed in a write and read back")
    }
    if let instances = try? InstanceMapFile.read(url) {
        FuzzSupport.require(instances.ids.count == instances.width * instances.height, "instance ids do not fill \(instances.width)x\(instances.height)")
        try! InstanceMapFile.write(instances, to: copy)
        FuzzSupport.require(try! InstanceMapFile.read(copy) == instances, "an instance map changed in a write and read back")
    }
    if let picture = try? PNGImage.read(url) {
        FuzzSupport.require(picture.pixels.count == picture.width * picture.height * 3, "picture pixels do not fill \(picture.width)x\(picture.height)")
    }
    return 0
}
