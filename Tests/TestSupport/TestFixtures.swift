import CLADE
import Foundation
import ImageFiles

/// The checkout's test files and the small models the tests paint with: the engine's parity fixtures (64x64
/// pictures, ngf 4, 6 classes), so painters render in milliseconds.
public enum TestFixtures {
    /// The repository checkout, found from this file's place in it.
    public static let checkout = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The parity fixtures of Training/make_fixtures.py: models, their inputs and PyTorch's outputs.
    public static let folder = checkout.appendingPathComponent("Tests/CLADETests/Fixtures")

    /// Edges, ICPE and a style encoder (z 16), 6 classes.
    public static let styled = "clade_icpe_edges_vae_batch"
    /// Neither edges, ICPE nor encoder, 6 classes.
    public static let plain = "clade_instance"

    /// Class names that make the starting scene sky (0) over grass (3).
    public static let landscapeNames = ["sky", "cloud", "rock", "grass", "tree", "water"]

    /// The landscape classes with their hotkeys.
    public static let palette = Palette(
        name: "fixture",
        entries: [
            .init(color: RGBColor(118, 190, 250), name: "sky", key: "s"),
            .init(color: RGBColor(236, 236, 236), name: "cloud", key: "c"),
            .init(color: RGBColor(104, 104, 112), name: "rock", key: "r"),
            .init(color: RGBColor(76, 172, 60), name: "grass", key: "g"),
            .init(color: RGBColor(18, 98, 42), name: "tree", key: "t"),
            .init(color: RGBColor(32, 78, 204), name: "water", key: "w"),
        ])

    public static func modelURL(_ name: String) -> URL { folder.appendingPathComponent("\(name).model.safetensors") }

    /// The fixture `name` with its config's class names and style presets replaced.
    public static func modelFile(
        _ name: String = styled, classNames: [String] = landscapeNames, presets: [String: [Float]] = [:]
    ) throws -> ModelFile {
        let file = try ModelFile(contentsOf: modelURL(name))
        var config = file.config
        config.classNames = classNames
        config.stylePresets = presets
        let tensors = Dictionary(
            uniqueKeysWithValues: ModelFile.expectedTensors(for: config).map { ($0.name, file[$0.name]) })
        return try ModelFile(config: config, tensors: tensors, fileName: file.fileName)
    }

    /// Seeds 100, 101, 102, ... in order.
    public static func countingSeeds(from start: UInt64 = 100) -> () -> UInt64 {
        var next = start
        return {
            defer { next += 1 }
            return next
        }
    }

    /// A fresh empty folder under the system's temporary folder.
    public static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "clade-paint-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
