/// How a generator output value in [-1, 1] becomes a byte: `(v + 1) / 2 * 255` in Float, clamped to 0...255, then
/// rounded to the nearest level (clade-paint's default) or truncated as the official SPADE/CLADE `tensor2im` does
/// (numpy's `astype(uint8)`), which is half a level darker on average.
public enum Quantization: String, Sendable, CaseIterable {
    case round
    case truncate

    /// The byte for one output value; NaN becomes 0.
    @inline(__always)
    func byte(_ value: Float) -> UInt8 {
        // (v + 1) * 127.5 rounds once, as (v + 1) / 2 * 255 does: halving is exact.
        let level = (value + 1) * 127.5
        guard !level.isNaN else { return 0 }
        let clamped = min(max(level, 0), 255)
        return UInt8(self == .round ? clamped.rounded() : clamped.rounded(.towardZero))
    }
}
