import ImageFiles

/// At most `limit` colours for a picture (sixel's palette), by median cut: the box of colours with the widest
/// channel is split at its pixel-weighted median until there are `limit` boxes; each box's colour is the
/// pixel-weighted mean of its colours. A picture with no more than `limit` colours keeps them exactly.
struct MedianCutPalette {
    let colors: [RGBColor]
    /// The palette index of each pixel, row-major.
    let indices: [Int]

    init(_ image: PNGImage, limit: Int = 256) {
        var counts: [UInt32: Int] = [:]
        var keys = [UInt32](repeating: 0, count: image.width * image.height)
        for index in keys.indices {
            let key =
                UInt32(image.pixels[3 * index]) << 16 | UInt32(image.pixels[3 * index + 1]) << 8
                | UInt32(image.pixels[3 * index + 2])
            keys[index] = key
            counts[key, default: 0] += 1
        }
        var boxes: [[(key: UInt32, count: Int)]] = [counts.map { ($0.key, $0.value) }]
        func channel(_ key: UInt32, _ shift: UInt32) -> Int { Int(key >> shift & 0xFF) }
        func widest(_ box: [(key: UInt32, count: Int)]) -> (shift: UInt32, range: Int) {
            [UInt32(16), 8, 0].map { shift -> (UInt32, Int) in
                let values = box.map { channel($0.key, shift) }
                return (shift, values.max()! - values.min()!)
            }.max { $0.1 < $1.1 }!
        }
        while boxes.count < limit {
            let ranges = boxes.map(widest)
            guard let pick = ranges.indices.max(by: { ranges[$0].range < ranges[$1].range }), ranges[pick].range > 0
            else { break }
            let shift = ranges[pick].shift
            let sorted = boxes[pick].sorted { channel($0.key, shift) < channel($1.key, shift) }
            let total = sorted.reduce(0) { $0 + $1.count }
            var seen = 0
            var cut = 1
            for (index, entry) in sorted.enumerated().dropLast() {
                seen += entry.count
                cut = index + 1
                if 2 * seen >= total { break }
            }
            boxes[pick] = Array(sorted[..<cut])
            boxes.append(Array(sorted[cut...]))
        }
        var boxOf: [UInt32: Int] = [:]
        colors = boxes.enumerated().map { index, box in
            var sum = (0, 0, 0)
            var total = 0
            for entry in box {
                boxOf[entry.key] = index
                sum.0 += channel(entry.key, 16) * entry.count
                sum.1 += channel(entry.key, 8) * entry.count
                sum.2 += channel(entry.key, 0) * entry.count
                total += entry.count
            }
            return RGBColor(
                UInt8((sum.0 + total / 2) / total), UInt8((sum.1 + total / 2) / total),
                UInt8((sum.2 + total / 2) / total))
        }
        indices = keys.map { boxOf[$0]! }
    }
}
