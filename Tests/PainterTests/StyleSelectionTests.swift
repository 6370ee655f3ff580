import CLADE
import Foundation
import Testing

@testable import Painter

@Suite struct StyleSelectionTests {
    let config = try! PainterFixtures.modelFile(presets: ["dawn": Array(repeating: 0.5, count: 16)]).config

    @Test func seedsAreTheEnginesRandomCodes() throws {
        #expect(
            try StyleSelection.seed(42).styleCode(config: config, bank: nil) == StyleCode.random(seed: 42, count: 16))
        #expect(try StyleSelection.none.styleCode(config: config, bank: nil) == nil)
        #expect(
            try StyleSelection.preset("dawn").styleCode(config: config, bank: nil)
                == StyleCode(values: Array(repeating: 0.5, count: 16)))
    }

    @Test func seedsPickFromTheModelsStyleBank() throws {
        let bank = StyleBank(codes: Tensor(shape: [3, 16], data: (0 ..< 48).map(Float.init)))
        let code = try #require(try StyleSelection.seed(42).styleCode(config: config, bank: bank))
        #expect(code == bank.code(seed: 42) && code != StyleCode.random(seed: 42, count: 16))
        #expect(
            try StyleSelection.preset("dawn").styleCode(config: config, bank: bank)
                == StyleCode(values: Array(repeating: 0.5, count: 16)))
    }

    @Test func unknownPresetsAndShortCodesAreRefused() {
        #expect(throws: PainterError("no style preset 'noon' in this model; its presets are dawn")) {
            try StyleSelection.preset("noon").styleCode(config: config, bank: nil)
        }
        #expect(throws: PainterError("the style code from a.png has 3 values; the model's z_dim is 16")) {
            try StyleSelection.code(StyleCode(values: [1, 2, 3]), source: "a.png").styleCode(config: config, bank: nil)
        }
    }

    @Test func summaries() {
        #expect(StyleSelection.seed(7).summary == "seed 7")
        #expect(StyleSelection.preset("fog").summary == "preset fog")
        #expect(StyleSelection.code(StyleCode(values: []), source: "ref.png").summary == "from ref.png")
        #expect(StyleSelection.none.summary == "none")
    }

    @Test func codableRoundTrip() throws {
        let styles: [StyleSelection] = [
            .none, .seed(UInt64.max), .preset("fog"), .code(StyleCode(values: [0.1, -3e-8, 7]), source: "r.png"),
        ]
        let data = try JSONEncoder().encode(styles)
        #expect(try JSONDecoder().decode([StyleSelection].self, from: data) == styles)
    }
}
