import ArgumentParser
import CLADE
import Foundation

/// `clade-paint info`: what a model is, and what it costs next to the same layout with SPADE and with CLADE.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a model: its config, and parameters and FLOPs per block group next to SPADE and CLADE.",
        discussion: """
            Costs are counted from the layer shapes (one picture at the model's size; FLOPs = 2 x multiply-adds of \
            convolutions and linear layers, including those inside normalisation layers). The SPADE and CLADE columns \
            are the same layout with every block normalised one way: the CLADE paper's comparison.
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let (model, path) = try modelOptions.loadModel()
        let report = CostReport(config: model.config, modelPath: path)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(TerminalText.escaped(Self.text(of: report), keepingNewlines: true), terminator: "")
        }
    }

    /// `edges instance, ICPE objects class, skipping class 0, at the source size`.
    static func describe(_ conventions: ConditioningConventions) -> String {
        let skipped =
            switch conventions.icpeIgnoredClass {
            case .none: "none"
            case .dontcare: "dontcare"
            case .index(let index): "class \(index)"
            }
        return
            "edges \(conventions.edges.rawValue), ICPE objects \(conventions.icpeObjects.rawValue), skipping \(skipped), "
            + "at the \(conventions.icpeMapSize.rawValue) size"
    }

    /// The report as text tables.
    static func text(of report: CostReport) -> String {
        let config = report.config
        var lines: [String] = []
        let norms = Dictionary(grouping: config.blockNorms, by: \.rawValue).sorted { $0.key < $1.key }
            .map { "\($0.key) x\($0.value.count)" }.joined(separator: ", ")
        let dontcare = config.containDontcareLabel ? " + dontcare" : ""
        let presets = config.stylePresets.keys.sorted()
        lines += [
            "model: \(report.model)",
            "  architecture   \(config.architecture.rawValue) (block norms: \(norms)), param-free norm \(config.paramFreeNorm.rawValue)",
            "  generator      ngf \(config.ngf), \(config.numUpsamplingLayers.rawValue) (\(config.upsamplingCount) upsamplings), "
                + "\(config.width)x\(config.height) picture from a \(config.headWidth)x\(config.headHeight) head",
            "  classes        \(config.classCount) (label_nc \(config.labelNC)\(dontcare)): \(config.classNames.joined(separator: ", "))",
            "  conditioning   instance edges \(yesNo(config.useInstanceEdges)), ICPE \(yesNo(config.useICPE))"
                + (config.conditioning == .painted ? "" : "; data-set files: \(Self.describe(config.conditioning))"),
            "  style encoder  "
                + (config.useVAE
                    ? "yes, z_dim \(config.zDim), presets: \(presets.isEmpty ? "none" : presets.joined(separator: ", "))"
                    : "no"),
            "  palette        \(config.palette)",
        ]
        if !config.trainingData.isEmpty { lines.append("  training data  \(config.trainingData)") }

        let own = report.variants[0]
        let spade = report.variants[1]
        let clade = report.variants[2]
        lines += ["", "cost of this model (\(config.architecture.rawValue)), one picture; FLOPs = 2 x multiply-adds"]
        var table = [["group", "size", "params", "norm params", "FLOPs", "norm FLOPs"]]
        func row(_ name: String, _ size: String, _ total: CostReport.Amount, _ normalization: CostReport.Amount?)
            -> [String]
        {
            [
                name, size, scaled(total.parameters), normalization.map { scaled($0.parameters) } ?? "",
                scaled(total.flops), normalization.map { scaled($0.flops) } ?? "",
            ]
        }
        for group in own.groups where group.name != ModelCost.encoderName {
            table.append(row(group.name, group.size, group.total, group.normalization))
        }
        table.append(row("generator", "", own.generator, own.generatorNormalization))
        if let encoder = own.groups.first(where: { $0.name == ModelCost.encoderName }) {
            table.append(row("encoder", encoder.size, encoder.total, nil))
            table.append(row("total", "", own.total, nil))
        }
        lines += aligned(table)

        lines += ["", "same layout, every block SPADE / every block CLADE"]
        table = [["group", "size", "SPADE params", "SPADE FLOPs", "CLADE params", "CLADE FLOPs"]]
        for (s, c) in zip(spade.groups, clade.groups) where s.name != ModelCost.encoderName {
            table.append([
                s.name, s.size, scaled(s.total.parameters), scaled(s.total.flops), scaled(c.total.parameters),
                scaled(c.total.flops),
            ])
        }
        table.append([
            "generator", "", scaled(spade.generator.parameters), scaled(spade.generator.flops),
            scaled(clade.generator.parameters), scaled(clade.generator.flops),
        ])
        lines += aligned(table)

        lines += ["", "normalisation on top of the base generator (the paper's comparison):"]
        for variant in report.variants where variant.name != "model" || config.architecture == .hybrid {
            let label = variant.name == "model" ? "this model" : variant.name.uppercased()
            lines.append(
                "  \(label) adds \(percent(variant.normalizationOverhead.parameters)) parameters and "
                    + "\(percent(variant.normalizationOverhead.flops)) FLOPs")
        }
        lines.append(
            String(
                format: "  CLADE / SPADE generator: %.3f of the parameters, %.3f of the FLOPs",
                report.cladeOverSpade.parameters, report.cladeOverSpade.flops))
        return lines.joined(separator: "\n") + "\n"
    }

    private static func yesNo(_ flag: Bool) -> String { flag ? "yes" : "no" }

    private static func percent(_ fraction: Double) -> String { String(format: "%.2f %%", 100 * fraction) }

    /// `1234567` -> `1.23M`: two decimals in the largest unit below the number.
    static func scaled(_ count: Int) -> String {
        let value = Double(count)
        for (unit, size) in [("G", 1e9), ("M", 1e6), ("K", 1e3)] where value >= size {
            return String(format: "%.2f", value / size) + unit
        }
        return String(count)
    }

    /// Rows padded to columns: the first column left-aligned, the others right-aligned.
    private static func aligned(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            "  "
                + row.enumerated().map { column, cell in
                    let padding = String(repeating: " ", count: widths[column] - cell.count)
                    return column == 0 ? cell + padding : padding + cell
                }.joined(separator: "   ").replacing(/\s+$/, with: "")
        }
    }
}
