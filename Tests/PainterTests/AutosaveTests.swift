import Foundation
import Testing
@testable import Painter

@Suite struct AutosaveTests {
    func record(_ label: Int32) -> AutosaveRecord {
        AutosaveRecord(savedAt: Date(timeIntervalSince1970: 1_800_000_000), model: "m.safetensors", width: 64, height: 64,
                       canvas: Canvas(width: 4, height: 2, fill: Cell(label: label)), currentClass: label, style: .seed(9), icpe: true)
    }

    @Test func writesTheNewestRecordAfterTheDelay() throws {
        let folder = try PainterFixtures.temporaryFolder().appendingPathComponent("state/deeper")
        let autosave = Autosave(folder: folder, delay: 0.05)
        #expect(try autosave.pending() == nil)
        autosave.schedule(record(1))
        autosave.schedule(record(2))
        autosave.schedule(record(3))
        #expect(try autosave.pending() == nil)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try autosave.pending() == record(3))
        #expect(autosave.lastError() == nil)
        autosave.clear()
        #expect(try autosave.pending() == nil)
        #expect(!FileManager.default.fileExists(atPath: autosave.url.path))
    }

    @Test func flushWritesAtOnceAndClearDropsWhatIsScheduled() throws {
        let autosave = Autosave(folder: try PainterFixtures.temporaryFolder(), delay: 60)
        autosave.schedule(record(4))
        autosave.flush()
        #expect(try autosave.pending() == record(4))
        autosave.schedule(record(5))
        autosave.clear()
        autosave.flush()
        #expect(try autosave.pending() == nil)
    }

    @Test func aBrokenFileIsReportedAndKept() throws {
        let autosave = Autosave(folder: try PainterFixtures.temporaryFolder())
        try Data("{".utf8).write(to: autosave.url)
        #expect(throws: PainterError.self) { try autosave.pending() }
        #expect(FileManager.default.fileExists(atPath: autosave.url.path))
    }

    @Test func aWriteFailureIsReported() throws {
        let file = try PainterFixtures.temporaryFolder().appendingPathComponent("plain-file")
        try Data().write(to: file)
        let autosave = Autosave(folder: file.appendingPathComponent("sub"))
        autosave.schedule(record(1))
        autosave.flush()
        #expect(autosave.lastError()?.hasPrefix("autosave to ") == true)
    }

    @Test func defaultFolder() {
        #expect(Autosave.defaultFolder(environment: ["CLADE_PAINT_STATE": "/s", "XDG_STATE_HOME": "/x", "HOME": "/h"]).path == "/s")
        #expect(Autosave.defaultFolder(environment: ["XDG_STATE_HOME": "/x", "HOME": "/h"]).path == "/x/clade-paint")
        #expect(Autosave.defaultFolder(environment: ["HOME": "/h"]).path == "/h/.local/state/clade-paint")
    }

    @Test func thePainterAutosavesAfterChangesAndClearsOnSave() throws {
        let autosave = Autosave(folder: try PainterFixtures.temporaryFolder(), delay: 60)
        let state = PainterState(model: try PainterFixtures.model(), grid: (16, 16), autosave: autosave, seedSource: PainterFixtures.countingSeeds())
        state.selectClass(5)
        state.press()
        state.drag(to: 3, y: 3)
        // Nothing is scheduled in the middle of a stroke; the stroke's end schedules it.
        autosave.flush()
        #expect(try autosave.pending() == nil)
        state.release()
        autosave.flush()
        let saved = try #require(try autosave.pending())
        #expect(saved.canvas == state.canvas && saved.currentClass == 5 && saved.style == .seed(100))

        let restored = PainterState(model: try PainterFixtures.model(), grid: (16, 16), seedSource: PainterFixtures.countingSeeds(from: 500))
        try restored.restore(saved)
        #expect(restored.canvas == state.canvas && restored.style == .seed(100))

        state.toggleICPE()
        autosave.flush()
        #expect(try autosave.pending()?.icpe == false)
        try state.save(to: try PainterFixtures.temporaryFolder())
        #expect(try autosave.pending() == nil)
    }
}
