import Foundation
import Testing

@testable import CLADE

@Suite("StyleEncoder")
struct StyleEncoderTests {
    static var encoderFixtures: [String] {
        Fixtures.names.filter { (try? Fixtures.model($0).config.useVAE) == true }
    }

    @Test("fixtures include style encoders")
    func encoderFixturesPresent() {
        #expect(Self.encoderFixtures.count >= 2)
    }

    /// mu and logvar within 1e-4 * max(1, max|ref|) of PyTorch, for reference images of other sizes than 256.
    @Test("matches the PyTorch reference", arguments: encoderFixtures)
    func parity(name: String) throws {
        let model = try Fixtures.model(name)
        let io = try Fixtures.io(name)
        let encoder = try StyleEncoder(model: model)
        let image = try io.floatTensor("in.style_image")
        #expect(image.height != StyleEncoder.inputSize, "the fixture should exercise the bilinear resize")
        let (mu, logvar) = encoder(image)
        var report: [String] = []
        for (label, output) in [("mu", mu), ("logvar", logvar)] {
            let reference = try io.floatTensor("out.\(label)")
            #expect(output.shape == reference.shape)
            let error = output.maxAbsDifference(to: reference)
            #expect(error <= relativeTolerance(reference), "\(name) \(label): max abs error \(error)")
            report.append("\(label) max abs error \(error) (max |ref| \(reference.maxAbs))")
        }
        print("parity \(name) encoder: " + report.joined(separator: ", "))
    }

    @Test("a model without use_vae has no encoder")
    func noEncoder() throws {
        let name = try #require(Fixtures.names.first { (try? Fixtures.model($0).config.useVAE) == false })
        #expect(throws: ModelFileError.self) { try StyleEncoder(model: try Fixtures.model(name)) }
    }
}
