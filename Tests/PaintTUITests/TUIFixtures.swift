import CLADE
import Foundation
import ImageFiles
import Painter
import TestSupport

@testable import PaintTUI

/// The shared test fixtures, and painters and sessions made of them (with style presets on the styled model).
typealias TUIFixtures = TestFixtures

extension TestFixtures {
    static let presets: [String: [Float]] = [
        "noon": [Float](repeating: 0.1, count: 16), "dusk": [Float](repeating: -0.2, count: 16),
    ]

    static func model(_ name: String = styled, presets: [String: [Float]] = presets) throws -> PaintModel {
        try PaintModel(
            file: modelFile(name, presets: name == styled ? presets : [:]), path: modelURL(name).path, palette: palette)
    }

    /// A painter on a `grid` canvas (default 8x8) with counted seeds and no renderer.
    static func state(_ name: String = styled, grid: (width: Int, height: Int)? = nil, renderer: Bool = false) throws
        -> PainterState
    {
        let model = try model(name)
        return PainterState(
            model: model, grid: grid, renderer: renderer ? RenderController(model: model, previewURL: nil) : nil,
            seedSource: countingSeeds())
    }

    static func session(
        _ name: String = styled, grid: (width: Int, height: Int)? = nil, width: Int = 100, height: Int = 30,
        output: URL? = nil
    ) throws -> PaintSession {
        try PaintSession(
            state: state(name, grid: grid), outputFolder: output ?? temporaryFolder(), width: width, height: height)
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
