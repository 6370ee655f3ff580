import Foundation
import TestSupport
import Testing

@testable import CLADE

@Suite("StyleBank")
struct StyleBankTests {
    /// `style-bank.json` from `Training/make_style_bank_fixtures.py`: the Python twin's picks.
    struct Picks: Decodable {
        let seeds: [String]
        let rows: [Int]
        let codes: [[Float]]
    }
    struct Fixture: Decodable {
        let bank: [[Float]]
        let seeds: [String]
        let rows: [Int]
        let codes: [[Float]]
        let shipped: Shipped
    }
    struct Shipped: Decodable {
        let model: String
        let count: Int
        let seeds: [String]
        let rows: [Int]
        let codes: [[Float]]
    }

    static func fixture() throws -> Fixture {
        try JSONDecoder().decode(
            Fixture.self, from: Data(contentsOf: Fixtures.folder.appendingPathComponent("style-bank.json")))
    }

    static func bank(_ rows: [[Float]]) -> StyleBank {
        StyleBank(codes: Tensor(shape: [rows.count, rows[0].count], data: rows.flatMap { $0 }))
    }

    @Test("a seed picks the same row and code as the Python twin")
    func matchesPython() throws {
        let fixture = try Self.fixture()
        let bank = Self.bank(fixture.bank)
        for (k, text) in fixture.seeds.enumerated() {
            let seed = try #require(UInt64(text))
            #expect(bank.index(seed: seed) == fixture.rows[k])
            #expect(StyleCode.random(seed: seed, count: 5, bank: bank).values == fixture.codes[k])
        }
        #expect(Set(fixture.rows).count > 3, "the seeds reach several rows")
    }

    @Test("the shipped model's bank gives the Python twin's codes")
    func shippedModel() throws {
        let fixture = try Self.fixture().shipped
        let model = try ModelFile(contentsOf: TestFixtures.checkout.appendingPathComponent(fixture.model))
        let bank = try #require(model.styleBank)
        #expect(bank.count == fixture.count && bank.zDim == model.config.zDim)
        for (k, text) in fixture.seeds.enumerated() {
            let seed = try #require(UInt64(text))
            #expect(bank.index(seed: seed) == fixture.rows[k])
            #expect(StyleCode.random(seed: seed, count: model.config.zDim, bank: bank).values == fixture.codes[k])
        }
    }

    @Test("without a bank, random styles are N(0, I)")
    func fallback() throws {
        let model = try Fixtures.model("clade_icpe_edges_vae_batch")
        #expect(model.styleBank == nil)
        #expect(StyleCode.random(seed: 9, count: 16, bank: model.styleBank) == StyleCode.random(seed: 9, count: 16))
    }

    /// `name`'s fixture file with a `style_bank` tensor of `shape` (values 0, 1, 2, ...) appended.
    func withBank(_ name: String, shape: [Int]) throws -> SafeTensorsBytes {
        var file = try SafeTensorsBytes(contentsOf: Fixtures.modelURL(name))
        let end = file.data.count
        let values = (0 ..< shape.reduce(1, *)).map(Float.init)
        file.header = String(file.header.trimmingCharacters(in: .whitespaces).dropLast())
        file.header +=
            ",\"style_bank\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(end),\(end + 4 * values.count)]}}"
        file.data += SafeTensorsBytes.floatBytes(values)
        return file
    }

    @Test("a model file's bank is loaded and used")
    func loads() throws {
        let model = try ModelFile(safeTensors: try withBank("clade_icpe_edges_vae_batch", shape: [3, 16]).parse())
        let bank = try #require(model.styleBank)
        #expect(bank.count == 3 && bank.zDim == 16)
        let code = StyleCode.random(seed: 5, count: 16, bank: bank)
        let row = bank.index(seed: 5)
        #expect(code.values == (0 ..< 16).map { Float(row * 16 + $0) })
    }

    @Test("a bank of the wrong shape, or in a model without encoder, is refused by name")
    func refused() throws {
        func problems(_ bytes: SafeTensorsBytes) -> [String] {
            do {
                _ = try ModelFile(safeTensors: try bytes.parse(fileName: "m.safetensors"))
            } catch let error as ModelFileError {
                return error.problems
            } catch {
                Issue.record("expected a ModelFileError, got \(error)")
            }
            return []
        }
        #expect(
            problems(try withBank("clade_icpe_edges_vae_batch", shape: [3, 8]))
                == ["tensor 'style_bank' has shape [3, 8], expected [K, 16] with K >= 1 (z_dim 16)"])
        #expect(
            problems(try withBank("clade_icpe_edges_vae_batch", shape: [48]))
                == ["tensor 'style_bank' has shape [48], expected [K, 16] with K >= 1 (z_dim 16)"])
        #expect(
            problems(try withBank("clade_instance", shape: [3, 16]))
                == ["unexpected tensor 'style_bank' [3, 16] (a style bank needs a style encoder, use_vae)"])
    }

    @Test("in-memory models take a bank too")
    func inMemory() throws {
        let file = try Fixtures.model("clade_icpe_edges_vae_batch")
        var tensors = Dictionary(
            uniqueKeysWithValues: ModelFile.expectedTensors(for: file.config).map { ($0.name, file[$0.name]) })
        tensors[StyleBank.tensorName] = Tensor(shape: [2, 16], repeating: 0.5)
        let model = try ModelFile(config: file.config, tensors: tensors)
        #expect(model.styleBank?.count == 2)
        #expect(StyleCode.random(seed: 1, count: 16, bank: model.styleBank).values == Array(repeating: 0.5, count: 16))
    }
}
