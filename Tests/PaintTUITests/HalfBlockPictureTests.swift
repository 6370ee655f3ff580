import ImageFiles
import Testing

@testable import PaintTUI

@Suite struct HalfBlockPictureTests {
    /// A picture whose pixel (x, y) is (x, y, 7).
    func ramp(width: Int, height: Int) -> PNGImage {
        var pixels: [UInt8] = []
        for y in 0 ..< height {
            for x in 0 ..< width { pixels += [UInt8(x), UInt8(y), 7] }
        }
        return PNGImage(width: width, height: height, pixels: pixels)
    }

    @Test func downscalingAveragesTheCoveredPixels() {
        let picture = HalfBlockPicture(ramp(width: 8, height: 4), width: 4, height: 2)
        // Pixel (1, 0) covers x 2...3, y 0...1: means 2.5 -> 3 (rounded), 0.5 -> 1.
        #expect(picture[1, 0] == RGBColor(3, 1, 7))
        #expect(picture[3, 1] == RGBColor(7, 3, 7))
    }

    @Test func enlargingRepeatsTheNearestPixel() {
        let picture = HalfBlockPicture(ramp(width: 2, height: 2), width: 4, height: 4)
        #expect(picture[0, 0] == RGBColor(0, 0, 7))
        #expect(picture[1, 1] == RGBColor(0, 0, 7))
        #expect(picture[2, 3] == RGBColor(1, 1, 7))
    }

    @Test func cellsCarryTheUpperPixelInFrontAndTheLowerBehind() {
        let picture = HalfBlockPicture(ramp(width: 3, height: 3), width: 3, height: 3)
        var screen = Screen(width: 6, height: 4)
        picture.draw(into: &screen, x: 1, y: 1, colors: true)
        #expect(picture.rows == 2)
        #expect(screen.text == "\n ▀▀▀\n ▀▀▀\n")
        #expect(screen[2, 1].style == CellStyle(foreground: RGBColor(1, 0, 7), background: RGBColor(1, 1, 7)))
        #expect(screen[3, 2].style == CellStyle(foreground: RGBColor(2, 2, 7), background: nil))
        #expect(screen[0, 1] == ScreenCell())
    }

    @Test func withoutColoursBrightnessBecomesCharacters() {
        let black = PNGImage(width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 12))
        let white = PNGImage(width: 2, height: 2, pixels: [UInt8](repeating: 255, count: 12))
        var screen = Screen(width: 4, height: 1)
        HalfBlockPicture(black, width: 2, height: 2).draw(into: &screen, x: 0, y: 0, colors: false)
        HalfBlockPicture(white, width: 2, height: 2).draw(into: &screen, x: 2, y: 0, colors: false)
        #expect(screen.text(ofRow: 0) == "  @@")
    }
}
