/// An opaque colour with 8 bits per channel.
public struct RGBColor: Hashable, Sendable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// `#rrggbb`, as image editors show it.
    public var hex: String {
        "#"
            + [red, green, blue].map { byte in
                let digits = String(byte, radix: 16)
                return byte < 16 ? "0" + digits : digits
            }.joined()
    }

    /// `#rrggbb (r, g, b)`: both forms people type into colour pickers.
    public var description: String { "\(hex) (\(red), \(green), \(blue))" }

    /// Squared Euclidean distance in RGB space.
    public func squaredDistance(to other: RGBColor) -> Int {
        let dr = Int(red) - Int(other.red)
        let dg = Int(green) - Int(other.green)
        let db = Int(blue) - Int(other.blue)
        return dr * dr + dg * dg + db * db
    }
}
