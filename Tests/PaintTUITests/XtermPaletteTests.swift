import ImageFiles
import Testing

@testable import PaintTUI

@Suite struct XtermPaletteTests {
    @Test func cubeAndGreyColoursMatchXterm() {
        #expect(XtermPalette.color(ofIndex: 16) == RGBColor(0, 0, 0))
        #expect(XtermPalette.color(ofIndex: 196) == RGBColor(255, 0, 0))
        #expect(XtermPalette.color(ofIndex: 46) == RGBColor(0, 255, 0))
        #expect(XtermPalette.color(ofIndex: 21) == RGBColor(0, 0, 255))
        #expect(XtermPalette.color(ofIndex: 231) == RGBColor(255, 255, 255))
        #expect(XtermPalette.color(ofIndex: 110) == RGBColor(135, 175, 215))
        #expect(XtermPalette.color(ofIndex: 232) == RGBColor(8, 8, 8))
        #expect(XtermPalette.color(ofIndex: 255) == RGBColor(238, 238, 238))
    }

    @Test func everyFixedPaletteColourMapsToItself() {
        for index in 16 ... 255 {
            let color = XtermPalette.color(ofIndex: index)
            // Cube greys (e.g. 16 = black, 59 = (95,95,95)) have no twin on the ramp; both are exact.
            #expect(XtermPalette.color(ofIndex: XtermPalette.index256(for: color)) == color, "index \(index)")
        }
    }

    @Test func coloursGoToTheNearestCubeOrGreyEntry() {
        // The landscape palette's sky (118, 190, 250): cube levels (135, 175, 255) = 16 + 36*2 + 6*3 + 5.
        #expect(XtermPalette.index256(for: RGBColor(118, 190, 250)) == 111)
        // A mid grey goes to the ramp, which is finer than the cube's greys.
        #expect(XtermPalette.index256(for: RGBColor(128, 128, 128)) == 244)
        #expect(XtermPalette.index256(for: RGBColor(130, 126, 128)) == 244)
        // Dark blue water (32, 78, 204): levels (0, 95, 215).
        #expect(XtermPalette.index256(for: RGBColor(32, 78, 204)) == 16 + 6 * 1 + 4)
        // The cube's level steps: 47 is nearer 0 than 95, 48 nearer 95.
        #expect(XtermPalette.nearestCubeLevel(47) == 0)
        #expect(XtermPalette.nearestCubeLevel(48) == 1)
        #expect(XtermPalette.nearestCubeLevel(155) == 2)
        #expect(XtermPalette.nearestCubeLevel(156) == 3)
    }

    @Test func eightColourTerminalsGetTheNearestAnsiColour() {
        #expect(XtermPalette.index8(for: RGBColor(20, 180, 40)) == 2)
        #expect(XtermPalette.index8(for: RGBColor(118, 190, 250)) == 7)
        #expect(XtermPalette.index8(for: RGBColor(32, 78, 204)) == 4)
        #expect(XtermPalette.index8(for: RGBColor(10, 10, 10)) == 0)
    }
}
