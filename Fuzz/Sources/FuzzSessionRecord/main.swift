import Foundation
import FuzzSupport
import Painter

/// The saved-session JSON reader: an accepted record passes its own checks again after a write and a read back.
FuzzSupport.run { data, count in
    let url = FuzzSupport.file("input.json", data, count)
    guard let record = try? SessionRecord.read(url) else { return 0 }
    let copy = FuzzSupport.scratch.appendingPathComponent("copy.json")
    try! record.write(to: copy)
    let again = try! SessionRecord.read(copy)
    FuzzSupport.require(again == record, "a session record changed in a write and read back")
    _ = record.style
    return 0
}
