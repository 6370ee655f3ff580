import Foundation
import Testing
@testable import CLADE

@Suite("Generator")
struct GeneratorTests {
    @Test("fixtures are present")
    func fixturesPresent() {
        #expect(Fixtures.names.count >= 6, "expected the parity fixtures of Training/make_fixtures.py in \(Fixtures.folder.path)")
    }

    /// Every stage (`fc`, each block, `conv_img`) within 1e-4 * max(1, max|ref|), the image within 1e-4.
    @Test("matches the PyTorch reference at every block", arguments: Fixtures.names)
    func parity(name: String) throws {
        let model = try Fixtures.model(name)
        let io = try Fixtures.io(name)
        let generator = Generator(model: model)
        var observed: [String: Tensor] = [:]
        let image = try generator(try Fixtures.generatorInput(io, config: model.config)) { observed[$0] = $1 }

        let stages = io.names.filter { $0.hasPrefix("out.") }.map { String($0.dropFirst(4)) }
            .filter { !["image", "mu", "logvar"].contains($0) }
        #expect(Set(stages) == Set(observed.keys), "stages observed \(observed.keys.sorted()) vs fixture \(stages.sorted())")
        var worstRelative: Float = 0
        var worstStage = ""
        for stage in stages {
            let reference = try io.floatTensor("out.\(stage)")
            guard let output = observed[stage] else { continue }
            #expect(output.shape == reference.shape, "\(name) \(stage)")
            guard output.shape == reference.shape else { continue }
            let error = output.maxAbsDifference(to: reference)
            let tolerance = relativeTolerance(reference)
            #expect(error <= tolerance, "\(name) \(stage): max abs error \(error) > \(tolerance)")
            if error / tolerance * 1e-4 > worstRelative { (worstRelative, worstStage) = (error / tolerance * 1e-4, stage) }
        }
        let reference = try io.floatTensor("out.image")
        let imageError = image.maxAbsDifference(to: reference)
        #expect(imageError <= 1e-4, "\(name): image max abs error \(imageError)")
        print("parity \(name): image max abs error \(imageError); worst stage \(worstStage) error \(worstRelative) x max(1, max|ref|)")
    }
}
