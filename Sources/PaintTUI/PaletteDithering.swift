import Foundation
import ImageFiles

/// The preview picture in the fixed colours of a 256- or 8-colour terminal: each pixel matched to the nearest
/// palette colour in OKLab (a perceptual space: equal distances look equally different, so a match keeps hue and
/// lightness rather than RGB numbers), with Floyd-Steinberg error diffusion, so an area between palette colours
/// comes out as a fine mix of them instead of one flat, wrong colour.
struct PaletteDithering {
    /// The colours the terminal shows exactly.
    let colors: [RGBColor]
    private let labs: [OKLab]

    init(colors: [RGBColor]) {
        precondition(!colors.isEmpty, "a palette has colours")
        self.colors = colors
        labs = colors.map(OKLab.init)
    }

    /// The palette of `mode`: the xterm cube and grey ramp (indices 16 ... 255, whose colours are fixed) or the
    /// eight ANSI colours; nil where there is nothing to match (direct colour, no colour).
    init?(mode: ColorMode) {
        switch mode {
        case .palette256: self.init(colors: (16 ... 255).map(XtermPalette.color(ofIndex:)))
        case .ansi8: self.init(colors: XtermPalette.ansiColors)
        case .direct, .monochrome: return nil
        }
    }

    /// The index of the palette colour nearest to `lab`.
    func nearest(_ lab: OKLab) -> Int {
        var best = 0
        var bestDistance = Double.infinity
        for (index, candidate) in labs.enumerated() {
            let distance = lab.squaredDistance(to: candidate)
            if distance < bestDistance {
                best = index
                bestDistance = distance
            }
        }
        return best
    }

    /// `picture` in palette colours: rows scanned alternately left to right and right to left (so the diffused
    /// error does not drift to one side), each pixel matched in OKLab and its error passed on in linear light (what
    /// the eye averages a fine mix in) 7/16 ahead, 3/16, 5/16 and 1/16 to the row below.
    func apply(to picture: HalfBlockPicture) -> HalfBlockPicture {
        let width = picture.width
        let height = picture.height
        var wanted = picture.pixels.map(LinearRGB.init)
        let linearColors = colors.map(LinearRGB.init)
        var pixels = [RGBColor](repeating: RGBColor(0, 0, 0), count: width * height)
        for y in 0 ..< height {
            let forward = y % 2 == 0
            let step = forward ? 1 : -1
            for x in forward ? Array(0 ..< width) : Array((0 ..< width).reversed()) {
                let index = y * width + x
                let target = wanted[index].clamped()
                let chosen = nearest(OKLab(target))
                pixels[index] = colors[chosen]
                let error = target - linearColors[chosen]
                func pass(_ dx: Int, _ dy: Int, _ weight: Double) {
                    let nx = x + dx
                    let ny = y + dy
                    guard nx >= 0, nx < width, ny < height else { return }
                    wanted[ny * width + nx] = wanted[ny * width + nx] + error * weight
                }
                pass(step, 0, 7.0 / 16)
                pass(-step, 1, 3.0 / 16)
                pass(0, 1, 5.0 / 16)
                pass(step, 1, 1.0 / 16)
            }
        }
        return HalfBlockPicture(width: width, height: height, pixels: pixels)
    }
}

/// A colour in linear light: sRGB with its transfer curve undone, channels 0 ... 1.
struct LinearRGB: Equatable {
    var r: Double
    var g: Double
    var b: Double

    init(r: Double, g: Double, b: Double) {
        self.r = r
        self.g = g
        self.b = b
    }

    init(_ color: RGBColor) {
        func linear(_ channel: UInt8) -> Double {
            let value = Double(channel) / 255
            return value <= 0.04045 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        self.init(r: linear(color.red), g: linear(color.green), b: linear(color.blue))
    }

    /// Within -0.1 ... 1.1: a little room for the error a pixel carries past the gamut (an overshoot must be paid
    /// back for the mix to average right), bounded so that it cannot run away into sparse dots of the opposite hue
    /// (tried on a muted landscape: -0.5 ... 1.5 sprinkled magenta into dark grass, 0 ... 1 lost its green).
    func clamped() -> LinearRGB {
        func bound(_ value: Double) -> Double { min(max(value, -0.1), 1.1) }
        return LinearRGB(r: bound(r), g: bound(g), b: bound(b))
    }

    static func + (x: LinearRGB, y: LinearRGB) -> LinearRGB { LinearRGB(r: x.r + y.r, g: x.g + y.g, b: x.b + y.b) }
    static func - (x: LinearRGB, y: LinearRGB) -> LinearRGB { LinearRGB(r: x.r - y.r, g: x.g - y.g, b: x.b - y.b) }
    static func * (x: LinearRGB, k: Double) -> LinearRGB { LinearRGB(r: x.r * k, g: x.g * k, b: x.b * k) }
}

/// A colour in OKLab (Björn Ottosson, 2020): lightness `l` 0 ... 1 and the opponent axes `a` (green-red) and `b`
/// (blue-yellow), from linear light: the space colours are matched in.
struct OKLab: Equatable {
    var l: Double
    var a: Double
    var b: Double

    init(l: Double, a: Double, b: Double) {
        self.l = l
        self.a = a
        self.b = b
    }

    init(_ color: RGBColor) { self.init(LinearRGB(color)) }

    /// Also for values outside 0 ... 1 (the cube root keeps the sign), as a target carrying diffused error can be.
    init(_ color: LinearRGB) {
        let r = color.r
        let g = color.g
        let b = color.b
        let lms = (
            cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b),
            cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b),
            cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
        )
        l = 0.2104542553 * lms.0 + 0.7936177850 * lms.1 - 0.0040720468 * lms.2
        a = 1.9779984951 * lms.0 - 2.4285922050 * lms.1 + 0.4505937099 * lms.2
        self.b = 0.0259040371 * lms.0 + 0.7827717662 * lms.1 - 0.8086757660 * lms.2
    }

    func squaredDistance(to other: OKLab) -> Double {
        let dl = l - other.l
        let da = a - other.a
        let db = b - other.b
        return dl * dl + da * da + db * db
    }
}
