import Testing

@testable import CLADE

@Suite("SplitMix64")
struct SplitMix64Tests {
    /// The reference sequence of SplitMix64 from seed 0 (Vigna's splitmix64.c).
    @Test("matches the reference sequence")
    func sequence() {
        var generator = SplitMix64(seed: 0)
        #expect(
            (0 ..< 3).map { _ in generator.next() } == [
                0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F,
            ])
    }

    @Test("uniforms lie in [0, 1) with 53 bits")
    func uniform() {
        var generator = SplitMix64(seed: 99)
        for _ in 0 ..< 1000 {
            let u = generator.nextUniform()
            #expect(u >= 0 && u < 1 && u == (u * 0x1p53).rounded(.down) * 0x1p-53)
        }
    }
}
