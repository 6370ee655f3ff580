import Foundation
import ImageFiles
import Testing

@testable import PaintTUI

@Suite struct PaletteDitheringTests {
    /// A flat picture of one colour.
    func flat(_ color: RGBColor, size: Int = 32) -> HalfBlockPicture {
        HalfBlockPicture(width: size, height: size, pixels: Array(repeating: color, count: size * size))
    }

    /// The mean of `colors` in linear light, back in sRGB numbers (what the eye averages a fine mix to).
    func perceivedMean(_ colors: [RGBColor]) -> (Double, Double, Double) {
        func linear(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        func encode(_ v: Double) -> Double { 255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055) }
        let n = Double(colors.count)
        let sums = colors.reduce((0.0, 0.0, 0.0)) {
            ($0.0 + linear($1.red), $0.1 + linear($1.green), $0.2 + linear($1.blue))
        }
        return (encode(sums.0 / n), encode(sums.1 / n), encode(sums.2 / n))
    }

    func distance(_ a: (Double, Double, Double), _ b: RGBColor) -> Double {
        let d = (a.0 - Double(b.red), a.1 - Double(b.green), a.2 - Double(b.blue))
        return (d.0 * d.0 + d.1 * d.1 + d.2 * d.2).squareRoot()
    }

    @Test(arguments: [ColorMode.palette256, .ansi8])
    func everyPixelIsAColourTheTerminalShowsExactly(mode: ColorMode) throws {
        let dithering = try #require(PaletteDithering(mode: mode))
        var pixels: [RGBColor] = []
        for y in 0 ..< 24 {
            for x in 0 ..< 40 { pixels.append(RGBColor(UInt8(6 * x), UInt8(10 * y), UInt8(255 - 6 * x))) }
        }
        let dithered = dithering.apply(to: HalfBlockPicture(width: 40, height: 24, pixels: pixels))
        let palette = Set(dithering.colors)
        #expect(dithered.pixels.allSatisfy { palette.contains($0) })
        // And the terminal's colour number for each is the palette entry itself, not a neighbour.
        for color in Set(dithered.pixels) {
            let number = mode.colorNumber(for: color)
            let shown =
                mode == .palette256 ? XtermPalette.color(ofIndex: Int(number)) : XtermPalette.ansiColors[Int(number)]
            #expect(shown == color)
        }
    }

    /// The painter's sky blue lies between cube colours: one flat match misses it by far more than the mix does.
    @Test func aFlatColourBetweenPaletteColoursIsMixedToItsMean() throws {
        let sky = RGBColor(118, 190, 250)
        let dithering = try #require(PaletteDithering(mode: .palette256))
        let dithered = dithering.apply(to: flat(sky))
        let nearest = dithering.colors[dithering.nearest(OKLab(sky))]
        #expect(Set(dithered.pixels).count >= 2)
        let mixError = distance(perceivedMean(dithered.pixels), sky)
        let flatError = distance((Double(nearest.red), Double(nearest.green), Double(nearest.blue)), sky)
        #expect(mixError < flatError / 3, "mix off by \(mixError), the nearest colour \(nearest) by \(flatError)")
        // The mix stays blue: blue above green above red, as in the sky itself.
        let mean = perceivedMean(dithered.pixels)
        #expect(mean.2 > mean.1 && mean.1 > mean.0)
    }

    @Test func aPaletteColourStaysItselfWithoutNoise() throws {
        let dithering = try #require(PaletteDithering(mode: .palette256))
        let exact = XtermPalette.color(ofIndex: 74)
        #expect(Set(dithering.apply(to: flat(exact)).pixels) == [exact])
    }

    @Test func eightColoursApproximateAGreyByAMix() throws {
        let dithering = try #require(PaletteDithering(mode: .ansi8))
        let grey = RGBColor(85, 85, 85)
        let dithered = dithering.apply(to: flat(grey))
        let nearest = dithering.colors[dithering.nearest(OKLab(grey))]
        let flatError = distance((Double(nearest.red), Double(nearest.green), Double(nearest.blue)), grey)
        #expect(distance(perceivedMean(dithered.pixels), grey) < flatError / 3)
    }

    @Test func directColourAndMonochromeNeedNoPalette() {
        #expect(PaletteDithering(mode: .direct) == nil && PaletteDithering(mode: .monochrome) == nil)
    }

    @Test func okLabOfWhiteAndBlack() {
        let white = OKLab(RGBColor(255, 255, 255))
        let black = OKLab(RGBColor(0, 0, 0))
        #expect(abs(white.l - 1) < 1e-4 && abs(white.a) < 1e-4 && abs(white.b) < 1e-4)
        #expect(black == OKLab(l: 0, a: 0, b: 0))
    }
}
