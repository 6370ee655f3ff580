import Testing

@testable import CLADE

@Suite("BilinearResize")
struct BilinearResizeTests {
    static let input = Tensor(
        shape: [1, 3, 4], data: [0.0, -0.5, 4.0, 0.75, 4.0, -2.5, 12.0, 1.75, 8.0, -4.5, 20.0, 2.75])

    /// Expected values from `F.interpolate(x, size, mode='bilinear', align_corners=False)` in PyTorch 2.
    @Test("matches PyTorch when enlarging and shrinking")
    func matchesPyTorch() {
        let up = resizeBilinear(Self.input, height: 5, width: 3)
        let expectedUp: [Float] = [
            -0.0833333432674408, 1.75, 1.2916661500930786, 1.1166666746139526, 2.950000047683716, 2.158332586288452,
            2.9166665077209473, 4.75, 3.45833158493042, 4.7166666984558105, 6.5500006675720215, 4.758331298828125,
            5.916666507720947, 7.75, 5.624996662139893,
        ]
        #expect(up.shape == [1, 5, 3])
        for (a, b) in zip(up.data, expectedUp) { #expect(abs(a - b) <= 2e-6 * max(1, abs(b))) }
        let wide = resizeBilinear(Self.input, height: 2, width: 7)
        let expectedWide: [Float] = [
            1.0, 0.28571417927742004, -0.8571429252624512, 2.5000009536743164, 5.642856121063232, 2.7857134342193604,
            1.0, 7.0, 3.071428060531616, -3.2142860889434814, 7.000002861022949, 16.892854690551758, 8.035711288452148,
            2.5,
        ]
        for (a, b) in zip(wide.data, expectedWide) { #expect(abs(a - b) <= 2e-6 * max(1, abs(b))) }
    }

    @Test("the same size is the identity, channels stay apart")
    func identityAndChannels() {
        #expect(resizeBilinear(Self.input, height: 3, width: 4) == Self.input)
        let two = Tensor(shape: [2, 1, 1], data: [3, -1])
        #expect(resizeBilinear(two, height: 2, width: 2).data == [3, 3, 3, 3, -1, -1, -1, -1])
    }
}
