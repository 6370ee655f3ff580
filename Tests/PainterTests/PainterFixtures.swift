import CLADE
import Foundation
import ImageFiles
@testable import Painter

/// Small models from the engine's parity fixtures (64x64 pictures, ngf 4), so painter tests render in milliseconds.
enum PainterFixtures {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("CLADETests/Fixtures")

    /// Edges, ICPE and a style encoder (z 16), 6 classes.
    static let styled = "clade_icpe_edges_vae_batch"
    /// Neither edges, ICPE nor encoder, 6 classes.
    static let plain = "clade_instance"

    /// Class names that make the starting scene sky (0) over grass (3).
    static let landscapeNames = ["sky", "cloud", "rock", "grass", "tree", "water"]

    static let palette = Palette(name: "fixture", entries: [
        .init(color: RGBColor(118, 190, 250), name: "sky", key: "s"),
        .init(color: RGBColor(236, 236, 236), name: "cloud", key: "c"),
        .init(color: RGBColor(104, 104, 112), name: "rock", key: "r"),
        .init(color: RGBColor(76, 172, 60), name: "grass", key: "g"),
        .init(color: RGBColor(18, 98, 42), name: "tree", key: "t"),
        .init(color: RGBColor(32, 78, 204), name: "water", key: "w"),
    ])

    static func modelURL(_ name: String) -> URL { folder.appendingPathComponent("\(name).model.safetensors") }

    /// The fixture `name` with its config's class names and style presets replaced.
    static func modelFile(_ name: String = styled, classNames: [String] = landscapeNames, presets: [String: [Float]] = [:]) throws -> ModelFile {
        let file = try ModelFile(contentsOf: modelURL(name))
        var config = file.config
        config.classNames = classNames
        config.stylePresets = presets
        let tensors = Dictionary(uniqueKeysWithValues: ModelFile.expectedTensors(for: config).map { ($0.name, file[$0.name]) })
        return try ModelFile(config: config, tensors: tensors, fileName: file.fileName)
    }

    static func model(_ name: String = styled, classNames: [String] = landscapeNames, presets: [String: [Float]] = [:]) throws -> PaintModel {
        try PaintModel(file: modelFile(name, classNames: classNames, presets: presets), path: modelURL(name).path, palette: palette)
    }

    /// Seeds 100, 101, 102, ... in order.
    static func countingSeeds(from start: UInt64 = 100) -> () -> UInt64 {
        var next = start
        return {
            defer { next += 1 }
            return next
        }
    }

    /// A fresh empty folder under the system's temporary folder.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("painter-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
