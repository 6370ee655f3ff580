import ImageFiles

/// A picture scaled to a small grid of pixels and drawn with upper-half-block characters: each terminal cell shows
/// two pixels, the upper one as the character's colour and the lower one as the background.
public struct HalfBlockPicture: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major `[height, width]`.
    public let pixels: [RGBColor]

    /// `image` (RGB8) scaled to `width x height` (`PNGImage.scaled`: a box filter, or the nearest pixel when enlarging).
    public init(_ image: PNGImage, width: Int, height: Int) {
        precondition(width > 0 && height > 0, "a preview of \(width)x\(height) pixels")
        precondition(
            image.width > 0 && image.height > 0 && image.pixels.count == image.width * image.height * 3,
            "an RGB8 picture of \(image.width)x\(image.height) has \(image.width * image.height * 3) bytes")
        let scaled = image.scaled(width: width, height: height).pixels
        self.init(
            width: width, height: height,
            pixels: (0 ..< width * height).map { RGBColor(scaled[3 * $0], scaled[3 * $0 + 1], scaled[3 * $0 + 2]) })
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
                    screen[x + column, y + row] = ScreenCell(
                        "▀", style: CellStyle(foreground: upper, background: lower))
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
