import Testing

@testable import clade_paint

@Suite struct PictureSizeTests {
    @Test func parsesWidthByHeight() {
        #expect(PictureSize(argument: "512x256") == PictureSize(width: 512, height: 256))
        #expect(PictureSize(argument: "64X32") == PictureSize(width: 64, height: 32))
        for bad in ["512", "512x", "x256", "0x64", "-64x64", "64x64x64", "axb"] {
            #expect(PictureSize(argument: bad) == nil, "\(bad)")
        }
    }
}
