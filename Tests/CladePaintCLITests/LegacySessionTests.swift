import Foundation
import TestSupport
import Testing

/// Paintings saved before sessions recorded their upsampling keep their pictures: the fixture's picture was drawn by
/// clade-paint before the smooth upsampling existed (scripts/make-legacy-session-fixture.sh).
@Suite struct LegacySessionTests {
    static let files = ["p-001.json", "p-001.mask.png", "p-001.instances.png", "p-001.png"]

    func scratchWithLegacySession() throws -> Scratch {
        let scratch = try Scratch()
        for name in Self.files {
            try FileManager.default.copyItem(
                at: TestFixtures.folder.appendingPathComponent("legacy-session/\(name)"), to: scratch.url(name))
        }
        return scratch
    }

    @Test func renderSessionDrawsTheSavedPictureByteForByte() throws {
        let scratch = try scratchWithLegacySession()
        let again = try scratch.run([
            "render", "--session", "p-001.json", "--model", scratch.modelFile, "--threads", "1",
            "-o", "again.png",
        ])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Data(contentsOf: scratch.url("again.png")) == Data(contentsOf: scratch.url("p-001.png")))
    }

    @Test func aBareMaskTakesTheClassVoteUnlessToldOtherwise() throws {
        let scratch = try scratchWithLegacySession()
        let mask = ["p-001.mask.png", "--instances", "p-001.instances.png", "--style", "7"]
        let vote = try scratch.render(mask + ["-o", "vote.png"])
        #expect(vote.status == 0, "\(vote.stderr)")
        // The same pixels (render of a mask writes its PNG through the batch pipeline, not byte for byte the same file).
        #expect(try scratch.picture("vote.png") == scratch.picture("p-001.png"))
        // The painting has diagonal strokes and one-cell lines, where the two methods differ.
        let smooth = try scratch.render(mask + ["--upsampling", "smooth", "-o", "smooth.png"])
        #expect(smooth.status == 0, "\(smooth.stderr)")
        #expect(try scratch.picture("smooth.png") != scratch.picture("p-001.png"))
    }

    @Test func aSessionBringsItsOwnUpsampling() throws {
        let scratch = try scratchWithLegacySession()
        let mixed = try scratch.run([
            "render", "--session", "p-001.json", "--model", scratch.modelFile, "--upsampling", "smooth",
        ])
        #expect(mixed.status != 0)
        #expect(mixed.stderr.contains("--upsampling"), "\(mixed.stderr)")
    }
}
