import Testing

@testable import CLADE

@Suite("RandomWeights")
struct RandomWeightsTests {
    @Test("a seed gives the same complete model")
    func seeded() throws {
        let config = GeneratorControlTests.config(edges: true, icpe: true, vae: true)
        let a = try ModelFile.random(config: config, seed: 1)
        let b = try ModelFile.random(config: config, seed: 1)
        let c = try ModelFile.random(config: config, seed: 2)
        for spec in ModelFile.expectedTensors(for: config) {
            #expect(a[spec.name] == b[spec.name] && a[spec.name].shape == spec.shape)
        }
        #expect(a["up_0.conv_0.weight"] != c["up_0.conv_0.weight"])
        #expect(a["head_0.norm_0.param_free_norm.running_var"].data.allSatisfy { $0 >= 0.5 && $0 <= 1.5 })
        #expect(a["head_0.norm_0.class_specified_affine.weight"].data.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
