import Foundation
import Testing

@testable import Painter

@Suite struct RecentSavesTests {
    /// A folder with session files `a.json`, `b.json`, `c.json` (only their existence matters here).
    func folderWithSaves() throws -> URL {
        let folder = try PainterFixtures.temporaryFolder()
        for name in ["a", "b", "c"] { try Data("{}".utf8).write(to: folder.appendingPathComponent("\(name).json")) }
        return folder
    }

    @Test func savesAreListedNewestFirstOnceEach() throws {
        let folder = try folderWithSaves()
        let recent = RecentSaves(folder: folder.appendingPathComponent("state"))
        #expect(recent.saves().isEmpty && recent.resume() == nil)
        for name in ["a", "b", "a", "c"] { try recent.add(folder.appendingPathComponent("\(name).json")) }
        #expect(recent.saves().map(\.lastPathComponent) == ["c.json", "a.json", "b.json"])
        // A deleted save drops out of the list.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("a.json"))
        #expect(recent.saves().map(\.lastPathComponent) == ["c.json", "b.json"])
    }

    @Test func theResumeOfferIsSetAndCleared() throws {
        let folder = try folderWithSaves()
        let recent = RecentSaves(folder: folder)
        try recent.setResume(folder.appendingPathComponent("b.json"))
        #expect(recent.resume()?.lastPathComponent == "b.json")
        try recent.setResume(nil)
        #expect(recent.resume() == nil)
    }

    @Test func aDamagedListCountsAsEmptyAndIsReplaced() throws {
        let folder = try folderWithSaves()
        let recent = RecentSaves(folder: folder)
        try Data("not json".utf8).write(to: recent.url)
        #expect(recent.saves().isEmpty)
        try recent.add(folder.appendingPathComponent("a.json"))
        #expect(recent.saves().map(\.lastPathComponent) == ["a.json"])
    }
}
