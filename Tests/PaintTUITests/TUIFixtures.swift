import CLADE
import Foundation
import ImageFiles
import Painter
@testable import PaintTUI

/// Small models from the engine's parity fixtures (64x64 pictures, 6 classes) with landscape class names, so the
/// painter renders in milliseconds and the starting scene is sky over grass.
enum TUIFixtures {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("CLADETests/Fixtures")

    /// Edges, ICPE and a style encoder (z 16).
    static let styled = "clade_icpe_edges_vae_batch"
    /// Neither edges, ICPE nor encoder.
    static let plain = "clade_instance"

    static let names = ["sky", "cloud", "rock", "grass", "tree", "water"]

    static let palette = Palette(name: "fixture", entries: [
        .init(color: RGBColor(118, 190, 250), name: "sky", key: "s"),
        .init(color: RGBColor(236, 236, 236), name: "cloud", key: "c"),
        .init(color: RGBColor(104, 104, 112), name: "rock", key: "r"),
        .init(color: RGBColor(76, 172, 60), name: "grass", key: "g"),
        .init(color: RGBColor(18, 98, 42), name: "tree", key: "t"),
        .init(color: RGBColor(32, 78, 204), name: "water", key: "w"),
    ])

    static let presets: [String: [Float]] = [
        "noon": [Float](repeating: 0.1, count: 16), "dusk": [Float](repeating: -0.2, count: 16),
    ]

    static func model(_ name: String = styled, presets: [String: [Float]] = presets) throws -> PaintModel {
        let url = folder.appendingPathComponent("\(name).model.safetensors")
        let file = try ModelFile(contentsOf: url)
        var config = file.config
        config.classNames = names
        config.stylePresets = name == styled ? presets : [:]
        let tensors = Dictionary(uniqueKeysWithValues: ModelFile.expectedTensors(for: config).map { ($0.name, file[$0.name]) })
        return try PaintModel(file: ModelFile(config: config, tensors: tensors, fileName: file.fileName), path: url.path, palette: palette)
    }

    /// Seeds 100, 101, 102, ... in order.
    static func countingSeeds() -> () -> UInt64 {
        var next: UInt64 = 100
        return {
            defer { next += 1 }
            return next
        }
    }

    /// A painter on a `grid` canvas (default 8x8) with counted seeds and no renderer.
    static func state(_ name: String = styled, grid: (width: Int, height: Int)? = nil, renderer: Bool = false) throws -> PainterState {
        let model = try model(name)
        return PainterState(model: model, grid: grid, renderer: renderer ? RenderController(model: model, previewURL: nil) : nil,
                            seedSource: countingSeeds())
    }

    static func session(_ name: String = styled, grid: (width: Int, height: Int)? = nil, width: Int = 100, height: Int = 30,
                        output: URL? = nil) throws -> PaintSession {
        try PaintSession(state: state(name, grid: grid), outputFolder: output ?? temporaryFolder(), width: width, height: height)
    }

    /// A state folder where an earlier painter ended without a clean quit, leaving `record` (saved at a whole second,
    /// as the file keeps it) in its autosave.
    static func folderWithOrphan(_ record: AutosaveRecord) throws -> (folder: URL, record: AutosaveRecord) {
        let folder = try temporaryFolder()
        var record = record
        record.savedAt = Date(timeIntervalSince1970: 1_800_000_000)
        let ended = Autosave(folder: folder, delay: 60)
        ended.schedule(record)
        ended.flush()
        ended.close()
        return (folder, record)
    }

    /// A fresh empty folder under the system's temporary folder.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("paint-tui-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

extension PaintSession {
    /// Types `text` key by key.
    func type(_ text: String) {
        for character in text { handle(.key(.character(character))) }
    }

    func press(_ keys: Key...) {
        for key in keys { handle(.key(key)) }
    }
}
