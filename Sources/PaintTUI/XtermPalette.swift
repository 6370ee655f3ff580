import ImageFiles

/// The fixed part of the xterm 256-colour palette and the nearest-colour rules a terminal without direct colour
/// needs: the 6x6x6 colour cube (indices 16...231) and the 24-step grey ramp (232...255).
///
/// Indices 0...15 are left out on purpose: every terminal theme redefines them, so they cannot stand for a
/// known RGB colour.
public enum XtermPalette {
    /// The channel values of the cube's six levels, as xterm, VTE, kitty and tmux define them.
    public static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The colour of palette index `index` (16...255).
    public static func color(ofIndex index: Int) -> RGBColor {
        precondition((16 ... 255).contains(index), "only indices 16...255 have a fixed colour, got \(index)")
        if index >= 232 {
            let level = UInt8(8 + 10 * (index - 232))
            return RGBColor(level, level, level)
        }
        let cube = index - 16
        return RGBColor(cubeLevels[cube / 36], cubeLevels[cube / 6 % 6], cubeLevels[cube % 6])
    }

    /// The palette index (16...255) whose colour is nearest to `color` (RGB distance): the nearest cube colour
    /// or the nearest grey, whichever is closer (the grey ramp is finer for greys and dark colours).
    public static func index256(for color: RGBColor) -> Int {
        let r = nearestCubeLevel(color.red)
        let g = nearestCubeLevel(color.green)
        let b = nearestCubeLevel(color.blue)
        let cubeIndex = 16 + 36 * r + 6 * g + b
        // Grey levels are 8, 18, ..., 238: the one nearest to the mean brightness.
        let mean = (Int(color.red) + Int(color.green) + Int(color.blue)) / 3
        let greyIndex = 232 + min(23, max(0, (mean - 3) / 10))
        let cubeDistance = color.squaredDistance(to: Self.color(ofIndex: cubeIndex))
        let greyDistance = color.squaredDistance(to: Self.color(ofIndex: greyIndex))
        return greyDistance < cubeDistance ? greyIndex : cubeIndex
    }

    /// The eight ANSI colours as most terminals show them by default (VGA-like), for 8-colour terminals.
    public static let ansiColors: [RGBColor] = [
        RGBColor(0, 0, 0), RGBColor(170, 0, 0), RGBColor(0, 170, 0), RGBColor(170, 85, 0),
        RGBColor(0, 0, 170), RGBColor(170, 0, 170), RGBColor(0, 170, 170), RGBColor(170, 170, 170),
    ]

    /// The ANSI colour number (0...7) nearest to `color`.
    public static func index8(for color: RGBColor) -> Int {
        var best = 0
        for index in 1 ..< ansiColors.count
        where color.squaredDistance(to: ansiColors[index]) < color.squaredDistance(to: ansiColors[best]) {
            best = index
        }
        return best
    }

    /// The cube level (0...5) nearest to a channel value; the levels are 0, 95, 135, ..., 255, so the steps
    /// below 95 are wider than the others.
    static func nearestCubeLevel(_ value: UInt8) -> Int {
        var best = 0
        for level in 1 ..< cubeLevels.count
        where abs(Int(value) - Int(cubeLevels[level])) < abs(Int(value) - Int(cubeLevels[best])) {
            best = level
        }
        return best
    }
}
