import Foundation
import ImageFiles

/// iTerm2's inline image (`OSC 1337 ; File=inline=1;...:<base64 PNG> BEL`), stretched over a box of cells at
/// the cursor. The picture should already have the box's size in pixels, so the terminal shows it pixel for pixel.
public enum ITerm2Image {
    public static func sequence(_ image: PNGImage, columns: Int, rows: Int) -> [UInt8] {
        let png = PNGStream.bytes(of: image)
        let head = "\u{1B}]1337;File=inline=1;size=\(png.count);width=\(columns);height=\(rows);preserveAspectRatio=0:"
        return Array(head.utf8) + Array(Data(png).base64EncodedString().utf8) + [0x07]
    }
}
