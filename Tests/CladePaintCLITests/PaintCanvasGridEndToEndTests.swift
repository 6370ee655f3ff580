import Foundation
import ImageFiles
import TestSupport
import Testing

/// The canvas grid and its upsampling as a person meets them: the built binary in tmux (see `PaintEndToEndTests`
/// for the pane and the fixture model: 64x64 pictures, six classes).
@Suite(
    .enabled(
        if: TmuxPane.tmux != nil,
        "tmux is not installed (scripts/setup.sh installs it): the painter's end-to-end tests need a terminal"))
struct PaintCanvasGridEndToEndTests {
    let base = PaintEndToEndTests()

    /// The saved session's JSON as a dictionary.
    func session(_ scratch: Scratch, _ name: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: scratch.url(name))) as? [String: Any])
    }

    @Test func aRoomyTerminalGivesTheFinerCanvasWithBrushesToMatchAndSavesItsUpsampling() throws {
        let scratch = try base.scratch()
        // No --grid: the painter chooses the finer canvas (4x4 pixels per cell) where it costs the picture nothing.
        let pane = try TmuxPane(
            width: 160, height: 50, command: try base.painter(scratch, arguments: "--style 5", grid: nil))
        try pane.waitForScreen("the finer canvas") { $0.contains("Canvas 16x16") && $0.contains("done in ") }
        // Brush sizes reach twice as far on the finer canvas: 18 cells across.
        for _ in 0 ..< 20 { try pane.press("]") }
        try pane.waitForScreen("the largest brush") { $0.contains("brush: 18 round") }
        for _ in 0 ..< 17 { try pane.press("[") }
        try pane.waitForScreen("a one-cell brush") { $0.contains("brush: 1 round") }
        // A one-cell row of class_3 across the canvas, then save.
        try pane.press("4")
        for _ in 0 ..< 8 { try pane.press("Left") }
        for _ in 0 ..< 16 { try pane.press("Space", "Right") }
        try pane.press("w")
        try pane.waitForScreen("the save") { $0.contains("saved \(scratch.url("out/painting-001.png").path)") }
        try pane.press("q")
        #expect(base.exitStatus(scratch) == 0)

        let json = try session(scratch, "out/painting-001.json")
        #expect(json["grid_width"] as? Int == 16 && json["grid_height"] as? Int == 16)
        #expect(json["upsampling"] as? String == "smooth")
        // The saved painting draws the same picture from the command line.
        let again = try scratch.run([
            "render", "--session", "out/painting-001.json", "--threads", "1", "-o", "again.png",
        ])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try scratch.picture("again.png") == scratch.picture("out/painting-001.png"))
        // The one-cell row is in the saved grid.
        let palette = try Palette(contentsOf: scratch.url("painted.gpl"))
        let classes = try LabelMapFile.read(scratch.url("out/painting-001.mask.png"), palette: palette, classCount: 6)
            .classes
        #expect(classes.filter { $0 == 3 }.count == 16)
    }

    @Test func aPaintingSavedBeforeTheUpsamplingWasRecordedKeepsItsGridPictureAndMethod() throws {
        let scratch = try base.scratch()
        try FileManager.default.createDirectory(at: scratch.url("legacy"), withIntermediateDirectories: true)
        for name in LegacySessionTests.files {
            try FileManager.default.copyItem(
                at: TestFixtures.folder.appendingPathComponent("legacy-session/\(name)"),
                to: scratch.url("legacy/\(name)"))
        }
        let pane = try TmuxPane(
            width: 160, height: 50, command: try base.painter(scratch, arguments: "--session legacy/p-001.json"))
        try pane.waitForScreen("the opened painting") {
            $0.contains("Canvas 8x8") && $0.contains("style seed 7") && $0.contains("done in ")
        }
        // Saved again unchanged, it records the class vote and draws the picture it was saved with.
        try pane.press("w")
        try pane.waitForScreen("the save") { $0.contains("saved \(scratch.url("out/painting-001.png").path)") }
        try pane.press("q")
        #expect(base.exitStatus(scratch) == 0)
        let json = try session(scratch, "out/painting-001.json")
        #expect(json["grid_width"] as? Int == 8 && json["upsampling"] as? String == "vote")
        #expect(try scratch.picture("out/painting-001.png") == scratch.picture("legacy/p-001.png"))

        // Its mask opened alone (no session) is drawn with the class vote as well.
        let mask = try TmuxPane(
            width: 160, height: 50,
            command: try base.painter(scratch, arguments: "--mask legacy/p-001.mask.png --style 7"))
        try mask.waitForScreen("the opened mask") { $0.contains("Canvas 8x8") && $0.contains("done in ") }
        try mask.press("w")
        try mask.waitForScreen("the save") { $0.contains("saved \(scratch.url("out/painting-002.png").path)") }
        try mask.press("q")
        #expect(base.exitStatus(scratch) == 0)
        #expect(try session(scratch, "out/painting-002.json")["upsampling"] as? String == "vote")
        #expect(try scratch.picture("out/painting-002.png") == scratch.picture("legacy/p-001.png"))
    }
}
