import Foundation
import Testing

@testable import Painter

@Suite struct AutosaveTests {
    func record(_ label: Int32) -> AutosaveRecord {
        AutosaveRecord(
            savedAt: Date(timeIntervalSince1970: 1_800_000_000), model: "m.safetensors", width: 64, height: 64,
            canvas: Canvas(width: 4, height: 2, fill: Cell(label: label)), currentClass: label, style: .seed(9),
            icpe: true)
    }

    @Test func writesTheNewestRecordAfterTheDelay() throws {
        let folder = try PainterFixtures.temporaryFolder().appendingPathComponent("state/deeper")
        let autosave = Autosave(folder: folder, delay: 0.05)
        #expect(autosave.url.lastPathComponent.hasPrefix("autosave-\(getpid())-"))
        autosave.schedule(record(1))
        autosave.schedule(record(2))
        autosave.schedule(record(3))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try AutosaveRecord.read(autosave.url) == record(3))
        #expect(autosave.lastError() == nil)
        autosave.clear()
        #expect(!FileManager.default.fileExists(atPath: autosave.url.path))
    }

    @Test func flushWritesAtOnceAndClearDropsWhatIsScheduled() throws {
        let autosave = Autosave(folder: try PainterFixtures.temporaryFolder(), delay: 60)
        autosave.schedule(record(4))
        autosave.flush()
        #expect(try AutosaveRecord.read(autosave.url) == record(4))
        autosave.schedule(record(5))
        autosave.clear()
        autosave.flush()
        #expect(!FileManager.default.fileExists(atPath: autosave.url.path))
    }

    @Test func aBrokenFileIsReportedAndKept() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let broken = folder.appendingPathComponent("autosave-1-dead.json")
        try Data("{".utf8).write(to: broken)
        let found = OrphanedAutosaves.find(in: folder)
        #expect(found.newest == nil && found.waiting == 0)
        #expect(
            found.problems.count == 1
                && found.problems[0].hasPrefix("\(broken.path): the autosaved painting cannot be read"))
        #expect(FileManager.default.fileExists(atPath: broken.path))
    }

    @Test func aWriteFailureIsReported() throws {
        let file = try PainterFixtures.temporaryFolder().appendingPathComponent("plain-file")
        try Data().write(to: file)
        let autosave = Autosave(folder: file.appendingPathComponent("sub"))
        #expect(autosave.lastError()?.hasPrefix("autosave off: cannot make the folder \(file.path)/sub") == true)
        autosave.schedule(record(1))
        autosave.flush()
        #expect(autosave.lastError()?.hasPrefix("autosave off: ") == true)

        // A folder that exists but where the autosave file cannot be written: the write says why.
        let folder = try PainterFixtures.temporaryFolder()
        let writable = Autosave(folder: folder)
        try FileManager.default.createDirectory(at: writable.url, withIntermediateDirectories: false)
        writable.schedule(record(1))
        writable.flush()
        #expect(writable.lastError()?.hasPrefix("autosave to \(writable.url.path) failed: ") == true)
    }

    @Test func twoPaintersInOneFolderKeepTheirOwnFiles() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let first = Autosave(folder: folder, delay: 60)
        let second = Autosave(folder: folder, delay: 60)
        #expect(first.url != second.url)
        first.schedule(record(1))
        second.schedule(record(2))
        first.flush()
        second.flush()
        // Both painters run: neither painting is anybody's to offer.
        let found = OrphanedAutosaves.find(in: folder)
        #expect(found.newest == nil && found.waiting == 0 && found.problems.isEmpty)
        first.clear()
        #expect(try AutosaveRecord.read(second.url) == record(2))
    }

    @Test func aPaintersAutosaveIsOfferedOnceItEnds() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let ended = Autosave(folder: folder, delay: 60)
        ended.schedule(record(1))
        ended.flush()
        // The painter ends without clearing (as when killed: the kernel drops its lock the same way).
        ended.close()
        let older = Autosave(folder: folder, delay: 60)
        var earlier = record(2)
        earlier.savedAt = Date(timeIntervalSince1970: 1_700_000_000)
        older.schedule(earlier)
        older.flush()
        older.close()

        let found = OrphanedAutosaves.find(in: folder)
        let newest = try #require(found.newest)
        #expect(newest.url == ended.url && newest.record == record(1) && found.waiting == 1)
        // Held by the painter that found it: another painter starting now is offered the other one only.
        let meanwhile = OrphanedAutosaves.find(in: folder)
        #expect(meanwhile.newest?.url == older.url && meanwhile.waiting == 0)
        meanwhile.newest?.release()
        newest.release()
        #expect(OrphanedAutosaves.find(in: folder).newest?.url == ended.url)
    }

    @Test func anOrphanGoesOnlyAfterTheNextWrite() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let ended = Autosave(folder: folder, delay: 60)
        ended.schedule(record(1))
        ended.flush()
        ended.close()
        let running = Autosave(folder: folder, delay: 60)
        let orphan = try #require(OrphanedAutosaves.find(in: folder).newest)
        running.supersede(orphan)
        running.flush()
        running.clear()
        #expect(FileManager.default.fileExists(atPath: ended.url.path))
        running.schedule(record(3))
        running.flush()
        #expect(!FileManager.default.fileExists(atPath: ended.url.path))
        #expect(!FileManager.default.fileExists(atPath: Autosave.lockURL(of: ended.url).path))
        #expect(try AutosaveRecord.read(running.url) == record(3))
    }

    @Test func staleLockFilesGoAndLiveOnesStay() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let live = Autosave(folder: folder)
        let stale = folder.appendingPathComponent("autosave-1-dead.lock")
        try Data().write(to: stale)
        // An autosave of an earlier clade-paint, which made no lock file.
        let legacy = folder.appendingPathComponent("autosave.json")
        try JSONEncoder.iso8601.encode(record(4)).write(to: legacy)
        let found = OrphanedAutosaves.find(in: folder)
        #expect(found.newest?.url == legacy && found.newest?.record == record(4))
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: Autosave.lockURL(of: live.url).path))
        // A clean end with nothing kept leaves no lock file behind.
        live.close()
        #expect(!FileManager.default.fileExists(atPath: Autosave.lockURL(of: live.url).path))
    }

    @Test func defaultFolder() {
        #expect(
            Autosave.defaultFolder(environment: ["CLADE_PAINT_STATE": "/s", "XDG_STATE_HOME": "/x", "HOME": "/h"]).path
                == "/s")
        #expect(Autosave.defaultFolder(environment: ["XDG_STATE_HOME": "/x", "HOME": "/h"]).path == "/x/clade-paint")
        #expect(Autosave.defaultFolder(environment: ["HOME": "/h"]).path == "/h/.local/state/clade-paint")
    }

    @Test func thePainterAutosavesAfterChangesAndClearsOnSave() throws {
        let autosave = Autosave(folder: try PainterFixtures.temporaryFolder(), delay: 60)
        let state = PainterState(
            model: try PainterFixtures.model(), grid: (16, 16), autosave: autosave,
            seedSource: PainterFixtures.countingSeeds())
        state.selectClass(5)
        state.press()
        state.drag(to: 3, y: 3)
        // Nothing is scheduled in the middle of a stroke; the stroke's end schedules it.
        autosave.flush()
        #expect(!FileManager.default.fileExists(atPath: autosave.url.path))
        state.release()
        autosave.flush()
        let saved = try AutosaveRecord.read(autosave.url)
        #expect(saved.canvas == state.canvas && saved.currentClass == 5 && saved.style == .seed(100))

        let restored = PainterState(
            model: try PainterFixtures.model(), grid: (16, 16), seedSource: PainterFixtures.countingSeeds(from: 500))
        try PaintDocument(restored).restore(saved)
        #expect(restored.canvas == state.canvas && restored.style == .seed(100))

        state.toggleICPE()
        autosave.flush()
        #expect(try AutosaveRecord.read(autosave.url).icpe == false)
        try PaintDocument(state).save(to: try PainterFixtures.temporaryFolder())
        #expect(!FileManager.default.fileExists(atPath: autosave.url.path))
    }
}

extension JSONEncoder {
    /// The autosave's encoding (ISO 8601 dates).
    static var iso8601: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
