import CLADE
import Testing
@testable import clade_paint

@Suite struct PictureSizeTests {
    func config(vae: Bool) -> ModelConfig {
        ModelConfig(architecture: .clade, blockNorms: Array(repeating: .clade, count: 7), ngf: 2, width: 128, height: 64,
                    labelNC: 2, useVAE: vae, palette: "p", classNames: ["a", "b"])
    }

    @Test func parsesWidthByHeight() {
        #expect(PictureSize(argument: "512x256") == PictureSize(width: 512, height: 256))
        #expect(PictureSize(argument: "64X32") == PictureSize(width: 64, height: 32))
        for bad in ["512", "512x", "x256", "0x64", "-64x64", "64x64x64", "axb"] {
            #expect(PictureSize(argument: bad) == nil, "\(bad)")
        }
    }

    @Test func modelsWithAStyleEncoderDrawOnlyTheirOwnSize() {
        #expect(PictureSize(width: 128, height: 64).problem(for: config(vae: true)) == nil)
        #expect(PictureSize(width: 64, height: 64).problem(for: config(vae: true))?.contains("only its own size, 128x64") == true)
    }

    @Test func otherModelsDrawMultiplesOfTheirStep() {
        #expect(PictureSize(width: 256, height: 32).problem(for: config(vae: false)) == nil)
        #expect(PictureSize(width: 48, height: 64).problem(for: config(vae: false))?.contains("multiples of 32") == true)
    }
}
