import ImageFiles

/// A picture as sixel graphics (`ESC P 0;1;0 q "1;1;W;H #palette ... ESC \`): a palette of at most 256 colours
/// from `MedianCutPalette` (in sixel's percent), then bands of 6 pixel rows, each band one pass per colour it
/// uses (`#n` then one character per column, `63 + six bits`, runs as `!count`), `$` back to the band's start,
/// `-` to the next band. Pixels a pass leaves unset stay as they are (P2 = 1), so passes do not erase each other.
public enum SixelImage {
    public static func sequence(_ image: PNGImage) -> [UInt8] {
        let palette = MedianCutPalette(image)
        var out = "\u{1B}P0;1;0q\"1;1;\(image.width);\(image.height)"
        for (index, color) in palette.colors.enumerated() {
            out += "#\(index);2;\(percent(color.red));\(percent(color.green));\(percent(color.blue))"
        }
        var bytes = Array(out.utf8)
        var masks = [UInt8](repeating: 0, count: image.width)
        for top in stride(from: 0, to: image.height, by: 6) {
            let bandRows = top ..< min(top + 6, image.height)
            var used: [Int] = []
            var isUsed = [Bool](repeating: false, count: palette.colors.count)
            for y in bandRows {
                for x in 0 ..< image.width where !isUsed[palette.indices[y * image.width + x]] {
                    isUsed[palette.indices[y * image.width + x]] = true
                    used.append(palette.indices[y * image.width + x])
                }
            }
            for (pass, color) in used.enumerated() {
                for x in 0 ..< image.width {
                    var mask: UInt8 = 0
                    for y in bandRows where palette.indices[y * image.width + x] == color {
                        mask |= 1 << UInt8(y - top)
                    }
                    masks[x] = mask
                }
                if pass > 0 { bytes.append(UInt8(ascii: "$")) }
                bytes += Array("#\(color)".utf8)
                appendRuns(masks, to: &bytes)
            }
            bytes.append(UInt8(ascii: "-"))
        }
        return bytes + [0x1B, 0x5C]
    }

    /// 0...255 to sixel's 0...100.
    static func percent(_ value: UInt8) -> Int { (Int(value) * 100 + 127) / 255 }

    private static func appendRuns(_ masks: [UInt8], to bytes: inout [UInt8]) {
        var x = 0
        while x < masks.count {
            var end = x + 1
            while end < masks.count && masks[end] == masks[x] { end += 1 }
            let character = 63 + masks[x]
            if end - x > 3 {
                bytes += Array("!\(end - x)".utf8)
                bytes.append(character)
            } else {
                bytes += [UInt8](repeating: character, count: end - x)
            }
            x = end
        }
    }
}
