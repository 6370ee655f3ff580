/// The SplitMix64 generator (docs/conditioning.md section 5): the project's seeded random source, identical in the
/// Python twin, so a seed gives the same numbers on both sides.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1): the top 53 bits, `(next >> 11) * 2^-53`.
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1p-53 }
}
