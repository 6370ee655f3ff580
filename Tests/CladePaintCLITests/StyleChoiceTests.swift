import CLADE
import Painter
import Testing

@testable import clade_paint

@Suite struct StyleChoiceTests {
    let config = ModelConfig(
        architecture: .clade, blockNorms: Array(repeating: .clade, count: 7), ngf: 2, width: 64, height: 64,
        labelNC: 2, useVAE: true, zDim: 4, palette: "p", classNames: ["a", "b"],
        stylePresets: ["dusk": [1, 2, 3, 4]])

    @Test func parsesRandomSeedsAndNames() {
        #expect(StyleChoice(argument: "random") == .random)
        #expect(StyleChoice(argument: "18446744073709551615") == .seed(.max))
        #expect(StyleChoice(argument: "dusk") == .preset("dusk"))
        #expect(StyleChoice(argument: "12a") == nil)
        #expect(StyleChoice(argument: "-3") == nil)
        #expect(StyleChoice(argument: "") == nil)
    }

    @Test func standsForAPainterStyle() {
        #expect(StyleChoice.random.selection { 77 } == .seed(77))
        #expect(StyleChoice.seed(3).selection { 77 } == .seed(3))
        #expect(StyleChoice.preset("dusk").selection { 77 } == .preset("dusk"))
    }

    /// `render` and `paint` draw the painter's style for a choice, random styles from the model's style bank.
    @Test func randomStylesComeFromTheModelsStyleBank() throws {
        let plain = try ModelFile.random(config: config, seed: 1)
        var tensors = Dictionary(
            uniqueKeysWithValues: ModelFile.expectedTensors(for: config).map { ($0.name, plain[$0.name]) })
        tensors[StyleBank.tensorName] = Tensor(shape: [5, 4], data: (0 ..< 20).map(Float.init))
        let model = try ModelFile(config: config, tensors: tensors)
        let bank = try #require(model.styleBank)
        #expect(
            try StyleChoice.random.selection { 77 }.styleCode(config: config, bank: model.styleBank)
                == bank.code(seed: 77))
        #expect(
            try StyleChoice.preset("dusk").selection { 0 }.styleCode(config: config, bank: model.styleBank)
                == StyleCode(values: [1, 2, 3, 4]))
    }
}
