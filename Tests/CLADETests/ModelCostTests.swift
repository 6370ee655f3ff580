import Foundation
import Testing

@testable import CLADE

@Suite struct ModelCostTests {
    /// A config as a model file would carry it (decoded from the metadata JSON, as the loader does).
    func config(
        ngf: Int = 64, labelNC: Int, dontcare: Bool, edges: Bool, icpe: Bool = false, width: Int = 256,
        height: Int = 256,
        upsampling: String = "normal", norms: [String]? = nil, vae: Bool = false, zDim: Int = 256
    ) throws -> ModelConfig {
        let blocks = upsampling == "most" ? 8 : 7
        let blockNorms = norms ?? Array(repeating: "clade", count: blocks)
        let json: [String: Any] = [
            "format_version": 1, "architecture": Set(blockNorms).count == 1 ? blockNorms[0] : "hybrid",
            "block_norms": blockNorms,
            "ngf": ngf, "num_upsampling_layers": upsampling, "width": width, "height": height, "label_nc": labelNC,
            "contain_dontcare_label": dontcare, "use_instance_edges": edges, "use_icpe": icpe,
            "param_free_norm": "batch",
            "use_vae": vae, "z_dim": zDim, "palette": "test",
            "class_names": [String](repeating: "c", count: labelNC + (dontcare ? 1 : 0)),
        ]
        return try JSONDecoder().decode(ModelConfig.self, from: JSONSerialization.data(withJSONObject: json))
    }

    /// Millions of parameters and billions of MACs of the generator.
    func millions(_ cost: ModelCost) -> (parameters: Double, gmacs: Double) {
        (Double(cost.generator.parameters) / 1e6, Double(cost.generator.macs) / 1e9)
    }

    /// The CLADE paper's comparison of SPADE and CLADE (Tan et al., TPAMI 2021): ngf 64, no encoder, counted from the public code. The table gives one decimal;
    /// its Cityscapes SPADE parameter count, 93.1, is 93.048 M rounded twice (93.05, then 93.1), so that cell is
    /// checked at two decimals.
    @Test(arguments: [
        ("ADE20K", 150, true, false, 256, 256, "normal", (96.5, 0.05), 181.2, 71.4, 42.2),
        ("COCO-Stuff", 182, true, true, 256, 256, "normal", (97.5, 0.05), 191.1, 72.5, 42.4),
        ("Cityscapes", 35, false, true, 512, 256, "more", (93.05, 0.005), 281.3, 67.9, 75.5),
    ])
    func matchesThePapersComparison(
        dataset: String, labelNC: Int, dontcare: Bool, edges: Bool, width: Int, height: Int, upsampling: String,
        spadeParameters: (value: Double, tolerance: Double), spadeGMACs: Double,
        cladeParameters: Double, cladeGMACs: Double
    ) throws {
        let model = try config(
            labelNC: labelNC, dontcare: dontcare, edges: edges, width: width, height: height, upsampling: upsampling)
        let spade = millions(ModelCost(config: model, normalization: .spade))
        let clade = millions(ModelCost(config: model, normalization: .clade))
        #expect(
            abs(spade.parameters - spadeParameters.value) <= spadeParameters.tolerance,
            "\(dataset) SPADE params \(spade.parameters)")
        #expect(abs(spade.gmacs - spadeGMACs) <= 0.05, "\(dataset) SPADE GMACs \(spade.gmacs)")
        #expect(abs(clade.parameters - cladeParameters) <= 0.05, "\(dataset) CLADE params \(clade.parameters)")
        #expect(abs(clade.gmacs - cladeGMACs) <= 0.05, "\(dataset) CLADE GMACs \(clade.gmacs)")
        #expect(ModelCost(config: model) == ModelCost(config: model, normalization: .clade))
    }

    /// The CLADE paper's per-layer parameter and MAC formulas, for the two norms of head_0 (C = 16 ngf at 8x8).
    @Test func normalisationLayersFollowThePerLayerFormulas() throws {
        let model = try config(labelNC: 150, dontcare: true, edges: false)
        let (k, L, C, hw) = (3, 151, 1024, 64)
        let spadeHead = try #require(
            ModelCost(config: model, normalization: .spade).groups.first { $0.name == "head_0" })
        #expect(spadeHead.normalization.parameters == 2 * (k * k * L * 128 + 128 + 2 * (k * k * 128 * C + C)))
        #expect(spadeHead.normalization.macs == 2 * k * k * 128 * (L + 2 * C) * hw)
        let cladeHead = try #require(
            ModelCost(config: model, normalization: .clade).groups.first { $0.name == "head_0" })
        #expect(cladeHead.normalization == .init(parameters: 2 * 2 * L * C, macs: 0))
        #expect(cladeHead.layers == spadeHead.layers)
        #expect(cladeHead.layers.parameters == 2 * (C * C * 9 + C))
    }

    /// A tiny CLADE model with edges and ICPE, counted by hand from docs/model-format.md's tensor shapes.
    @Test func countsEdgeChannelsICPEAndShortcutsOfOneBlock() throws {
        let model = try config(ngf: 2, labelNC: 3, dontcare: false, edges: true, icpe: true, width: 64, height: 64)
        let cost = ModelCost(config: model)
        #expect(
            cost.groups.map(\.name) == [
                "fc", "head_0", "G_middle_0", "G_middle_1", "up_0", "up_1", "up_2", "up_3", "conv_img",
            ])
        let up3 = cost.groups[7]
        // conv_0 [2, 4+1, 3, 3] + 2, conv_1 [2, 2+1, 3, 3] + 2, conv_s [2, 4+1, 1, 1] at 64x64.
        #expect(up3.layers == .init(parameters: 90 + 2 + 54 + 2 + 10, macs: (90 + 54 + 10) * 4096))
        // norm_0 and norm_s over 4 channels, norm_1 over 2: banks [3, C] x 2, ICPE 2 x (2 + 1), inst_conv 1 + 1;
        // per pixel and norm: 2 x 2 ICPE MACs and 1 inst_conv MAC.
        #expect(up3.normalization == .init(parameters: (24 + 6 + 2) * 2 + (12 + 6 + 2), macs: 3 * 5 * 4096))
        // fc: conv [32, 3+1, 3, 3] + 32 at 2x2; conv_img [3, 2, 3, 3] + 3 at 64x64.
        #expect(cost.groups[0].layers == .init(parameters: 1152 + 32, macs: 1152 * 4))
        #expect(cost.groups[8].layers == .init(parameters: 54 + 3, macs: 54 * 4096))
        #expect(cost.encoder == nil)
        #expect(cost.total == cost.generator)
        #expect(cost.total.flops == 2 * cost.total.macs)
    }

    @Test func countsStyleEncoderAndLinearHead() throws {
        let model = try config(
            ngf: 2, labelNC: 3, dontcare: false, edges: false, width: 64, height: 64, vae: true, zDim: 8)
        let cost = ModelCost(config: model)
        #expect(cost.groups.map(\.name).last == "encoder")
        // fc = Linear(8, 16 ngf x 2 x 2 = 128).
        #expect(cost.groups[0].layers == .init(parameters: 128 * 8 + 128, macs: 128 * 8))
        // Convs 3->2->4->8->16->16->16 at 128, 64, 32, 16, 8, 4 pixels square, no bias; fc_mu, fc_var = Linear(16 x 4 x 4, 8).
        let convWeights = [54, 72, 288, 1152, 2304, 2304]
        let convMACs = zip(convWeights, [128, 64, 32, 16, 8, 4]).map { $0 * $1 * $1 }.reduce(0, +)
        #expect(
            cost.encoder
                == .init(parameters: convWeights.reduce(0, +) + 2 * (256 * 8 + 8), macs: convMACs + 2 * 256 * 8))
        #expect(cost.total == cost.generator + cost.encoder!)
    }

    @Test func mostUpsamplingAddsUp4AndHalvesTheOutputConv() throws {
        let model = try config(
            ngf: 4, labelNC: 5, dontcare: false, edges: false, width: 128, height: 128, upsampling: "most")
        let cost = ModelCost(config: model)
        #expect(cost.groups.map(\.name).suffix(2) == ["up_4", "conv_img"])
        // up_4: 4 -> 2 channels at 128x128; conv_img [3, 2, 3, 3] + 3.
        #expect(cost.groups[8].layers.macs == (2 * 4 * 9 + 2 * 2 * 9 + 2 * 4) * 128 * 128)
        #expect(cost.groups[9].layers == .init(parameters: 54 + 3, macs: 54 * 128 * 128))
        // head at 1x1; G_middle_1 already doubled twice (2 -> 4 pixels wide).
        #expect(cost.groups[3].layers.macs == 2 * (64 * 64 * 9) * 4 * 4)
    }

    @Test func hybridLayoutsCountEachBlockWithItsOwnNorm() throws {
        let norms = ["spade", "spade", "clade", "clade", "clade", "clade", "clade"]
        let model = try config(ngf: 2, labelNC: 3, dontcare: false, edges: true, width: 64, height: 64, norms: norms)
        let hybrid = ModelCost(config: model)
        let spade = ModelCost(config: model, normalization: .spade)
        let clade = ModelCost(config: model, normalization: .clade)
        #expect(Array(hybrid.groups[1 ... 2]) == Array(spade.groups[1 ... 2]))
        #expect(Array(hybrid.groups[3...]) == Array(clade.groups[3...]))
        // With SPADE the edge channel is part of the norm's input, with CLADE it is concatenated to the convs' input.
        #expect(spade.groups[1].layers.parameters == 2 * (32 * 32 * 9 + 32))
        #expect(clade.groups[1].layers.parameters == 2 * (32 * 33 * 9 + 32))
    }
}
