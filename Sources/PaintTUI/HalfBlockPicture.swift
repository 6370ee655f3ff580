import ImageFiles

/// A picture scaled to a small grid of pixels and drawn with upper-half-block characters: each terminal cell shows
/// two pixels, the upper one as the character's colour and the lower one as the background.
public struct HalfBlockPicture: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major `[height, width]`.
    public let pixels: [RGBColor]

    /// `image` (RGB8) scaled to `width x height`: each pixel the mean of the source pixels it covers (a box
    /// filter, so a downscaled preview does not shimmer), or the nearest source pixel when enlarging.
    public init(_ image: PNGImage, width: Int, height: Int) {
        precondition(width > 0 && height > 0, "a preview of \(width)x\(height) pixels")
        precondition(image.width > 0 && image.height > 0 && image.pixels.count == image.width * image.height * 3,
                     "an RGB8 picture of \(image.width)x\(image.height) has \(image.width * image.height * 3) bytes")
        self.width = width
        self.height = height
        var pixels: [RGBColor] = []
        pixels.reserveCapacity(width * height)
        func span(_ index: Int, of count: Int, over source: Int) -> Range<Int> {
            let start = index * source / count
            return start ..< max(start + 1, (index + 1) * source / count)
        }
        for y in 0 ..< height {
            let rows = span(y, of: height, over: image.height)
            for x in 0 ..< width {
                let columns = span(x, of: width, over: image.width)
                var sum = (0, 0, 0)
                for sy in rows {
                    for sx in columns {
                        let offset = (sy * image.width + sx) * 3
                        sum.0 += Int(image.pixels[offset])
                        sum.1 += Int(image.pixels[offset + 1])
                        sum.2 += Int(image.pixels[offset + 2])
                    }
                }
                let count = rows.count * columns.count
                // Rounded to nearest.
                pixels.append(RGBColor(UInt8((sum.0 + count / 2) / count), UInt8((sum.1 + count / 2) / count), UInt8((sum.2 + count / 2) / count)))
            }
        }
        self.pixels = pixels
    }

    /// A picture of `pixels` (row-major, `width x height`), e.g. after `PaletteDithering`.
    init(width: Int, height: Int, pixels: [RGBColor]) {
        precondition(pixels.count == width * height, "\(pixels.count) pixels for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public subscript(x: Int, y: Int) -> RGBColor { pixels[y * width + x] }

    /// Terminal rows the picture takes.
    public var rows: Int { (height + 1) / 2 }

    /// Draws the picture with its top-left corner at terminal cell `(x, y)`. In colour, `▀` with the upper pixel as
    /// foreground and the lower as background (an odd last row leaves the lower half to the terminal's
    /// background); without colours, one brightness character per cell (` .:-=+*#%@`, mean of both pixels).
    public func draw(into screen: inout Screen, x: Int, y: Int, colors: Bool) {
        let ramp = Array(" .:-=+*#%@")
        for row in 0 ..< rows {
            for column in 0 ..< width {
                let upper = self[column, 2 * row]
                let lower = 2 * row + 1 < height ? self[column, 2 * row + 1] : nil
                if colors {
                    screen[x + column, y + row] = ScreenCell("▀", style: CellStyle(foreground: upper, background: lower))
                } else {
                    let brightness = (Self.luma(upper) + Self.luma(lower ?? upper)) / 2
                    screen[x + column, y + row] = ScreenCell(ramp[min(ramp.count - 1, brightness * ramp.count / 256)])
                }
            }
        }
    }

    /// Perceived brightness 0...255 (Rec. 601 weights).
    static func luma(_ color: RGBColor) -> Int {
        (299 * Int(color.red) + 587 * Int(color.green) + 114 * Int(color.blue)) / 1000
    }
}
