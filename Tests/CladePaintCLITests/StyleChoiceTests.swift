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
        let model = try ModelFile.random(config: config, seed: 1)
        let random = try StyleChoice.random.resolve(model: model, modelPath: "m") { 77 }
        #expect(random.code == StyleCode.random(seed: 77, count: 4))
        #expect(random.summary == "random, seed 77 (again: --style 77)")
        #expect(try StyleChoice.seed(77).resolve(model: model, modelPath: "m") { 0 }.code == random.code)
        #expect(try StyleChoice.preset("dusk").resolve(model: model, modelPath: "m") { 0 }.code == StyleCode(values: [1, 2, 3, 4]))
        #expect(throws: FileProblem(file: "m", problem: "no style preset 'dawn': its presets are dusk; --style also takes 'random' or a seed (a whole number)")) {
            try StyleChoice.preset("dawn").resolve(model: model, modelPath: "m") { 0 }
        }
    }

    @Test func randomStylesComeFromTheModelsStyleBank() throws {
        let plain = try ModelFile.random(config: config, seed: 1)
        var tensors = Dictionary(uniqueKeysWithValues: ModelFile.expectedTensors(for: config).map { ($0.name, plain[$0.name]) })
        tensors[StyleBank.tensorName] = Tensor(shape: [5, 4], data: (0 ..< 20).map(Float.init))
        let model = try ModelFile(config: config, tensors: tensors)
        let bank = try #require(model.styleBank)
        #expect(try StyleChoice.random.resolve(model: model, modelPath: "m") { 77 }.code == bank.code(seed: 77))
        #expect(try StyleChoice.seed(3).resolve(model: model, modelPath: "m") { 0 }.code == bank.code(seed: 3))
    }
}
