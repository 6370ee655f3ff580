import Foundation
import FuzzSupport
import ImageFiles

/// The GIMP palette reader: any bytes give a palette or an error, never a crash; an accepted palette has
/// distinct colours and distinct key hints.
FuzzSupport.run { data, count in
    let url = FuzzSupport.file("input.gpl", data, count)
    guard let palette = try? Palette(contentsOf: url) else { return 0 }
    FuzzSupport.require(!palette.entries.isEmpty, "an accepted palette has no entries")
    FuzzSupport.require(
        Set(palette.entries.map(\.color)).count == palette.count, "an accepted palette repeats a colour")
    let keys = palette.entries.compactMap(\.key)
    FuzzSupport.require(Set(keys).count == keys.count, "an accepted palette gives one key to two classes")
    for (index, entry) in palette.entries.enumerated() {
        FuzzSupport.require(palette.index(of: entry.color) == index, "colour of entry \(index) maps elsewhere")
    }
    return 0
}
