import CLADE
import Foundation
import Testing

@testable import clade_paint

/// `clade-paint info`, run as a program on the parity fixtures' models.
@Suite struct InfoTests {
    @Test func printsTheConfigAndCostNextToSPADEAndCLADE() throws {
        let scratch = try Scratch()
        let result = try scratch.run(["info", "--model", scratch.modelFile])
        #expect(result.status == 0, "\(result.stderr)")
        let config = try scratch.model().config
        let own = ModelCost(config: config)
        let spade = ModelCost(config: config, normalization: .spade)
        let text = result.stdout
        #expect(text.contains("model: \(scratch.modelFile)"))
        #expect(text.contains("ngf 4, normal (5 upsamplings), 64x64 picture from a 2x2 head"))
        #expect(text.contains("instance edges yes, ICPE yes"))
        #expect(text.contains("style encoder  yes, z_dim 16"))
        // One row per block group with its size, parameters and FLOPs.
        for group in own.groups where group.name != ModelCost.encoderName {
            let row = try #require(
                text.split(separator: "\n").first { $0.hasPrefix("  \(group.name) ") }, "no row for \(group.name)")
            #expect(
                row.contains(Info.scaled(group.total.parameters)) && row.contains(Info.scaled(group.total.flops)),
                "\(row)")
        }
        let generatorRows = text.split(separator: "\n").filter { $0.hasPrefix("  generator ") && !$0.contains("ngf") }
        #expect(generatorRows.count == 2)
        #expect(generatorRows.last?.contains(Info.scaled(spade.generator.parameters)) == true)
        #expect(generatorRows.last?.contains(Info.scaled(spade.generator.flops)) == true)
        #expect(text.contains("SPADE adds ") && text.contains("CLADE adds "))
        let ratio = Double(own.generator.parameters) / Double(spade.generator.parameters)
        #expect(text.contains(String(format: "CLADE / SPADE generator: %.3f of the parameters", ratio)))
    }

    @Test func jsonHoldsEveryGroupOfEveryVariant() throws {
        let scratch = try Scratch(fixture: "spade_edges_batch")
        let result = try scratch.run(["info", "--model", scratch.modelFile, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let config = try scratch.model().config
        #expect((report["config"] as? [String: Any])?["architecture"] as? String == "spade")
        let variants = try #require(report["variants"] as? [[String: Any]])
        #expect(variants.map { $0["name"] as? String } == ["model", "spade", "clade"])
        for (variant, norm) in zip(variants, [ModelConfig.Normalization.spade, .spade, .clade]) {
            let cost = ModelCost(config: config, normalization: norm)
            let groups = try #require(variant["groups"] as? [[String: Any]])
            #expect(groups.map { $0["name"] as? String } == cost.groups.map(\.name))
            for (group, expected) in zip(groups, cost.groups) {
                let total = try #require(group["total"] as? [String: Any])
                #expect(total["parameters"] as? Int == expected.total.parameters)
                #expect(total["flops"] as? Int == expected.total.flops)
            }
        }
        let ratio = try #require(report["clade_over_spade_generator"] as? [String: Any])
        #expect(try #require(ratio["parameters"] as? Double) < 1)
    }

    @Test func theDefaultModelComesFromTheEnvironment() throws {
        let scratch = try Scratch()
        let result = try scratch.run(["info"], environment: ["CLADE_PAINT_MODEL": scratch.url(scratch.modelFile).path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("model: \(scratch.url(scratch.modelFile).path)"))
    }
}
