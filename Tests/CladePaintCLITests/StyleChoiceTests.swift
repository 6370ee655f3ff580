import CLADE
import Testing
@testable import clade_paint

@Suite struct StyleChoiceTests {
    let config = ModelConfig(architecture: .clade, blockNorms: Array(repeating: .clade, count: 7), ngf: 2, width: 64, height: 64,
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

    @Test func resolvesToStyleCodes() throws {
        let random = try StyleChoice.random.resolve(config: config, modelPath: "m") { 77 }
        #expect(random.code == StyleCode.random(seed: 77, count: 4))
        #expect(random.summary == "random, seed 77 (again: --style 77)")
        #expect(try StyleChoice.seed(77).resolve(config: config, modelPath: "m") { 0 }.code == random.code)
        #expect(try StyleChoice.preset("dusk").resolve(config: config, modelPath: "m") { 0 }.code == StyleCode(values: [1, 2, 3, 4]))
        #expect(throws: FileProblem(file: "m", problem: "no style preset 'dawn': its presets are dusk; --style also takes 'random' or a seed (a whole number)")) {
            try StyleChoice.preset("dawn").resolve(config: config, modelPath: "m") { 0 }
        }
    }
}
