import Foundation
import TestSupport
import Testing

@testable import Painter

/// Inputs that crashed clade-paint through a fuzz target's code path (kept in Fuzz/Regressions/<target>/) now give
/// clear errors.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let regressions = TestFixtures.checkout.appendingPathComponent("Fuzz/Regressions")

    /// The kept input `name` of FuzzAutosave.
    static func autosave(_ name: String) -> URL {
        regressions.appendingPathComponent("FuzzAutosave/\(name)")
    }

    @Test("an autosave whose current class is not a class of the model is refused, not painted with")
    func currentClassOutOfRange() throws {
        let record = try AutosaveRecord.read(Self.autosave("current-class-out-of-range.json"))
        #expect(record.currentClass == 999)
        let state = PainterState(model: try PainterFixtures.model(), seedSource: PainterFixtures.countingSeeds())
        let before = state.canvas
        #expect(throws: PainterError.self) { try PaintDocument(state).restore(record) }
        #expect(state.canvas == before)
        #expect(state.currentClass != 999)
    }

    @Test("an autosave whose grid size overflows when multiplied is reported as unreadable, not a trap")
    func gridSizeOverflow() throws {
        let error = try #require(throws: PainterError.self) {
            try AutosaveRecord.read(Self.autosave("grid-size-overflow.json"))
        }
        #expect("\(error)".contains("cannot be read"))
    }

    @Test("a session record with an absurd picture size is refused before anything tries to allocate the picture")
    func hugePicture() throws {
        let url = Self.regressions.appendingPathComponent("FuzzSessionRecord/huge-picture.json")
        let error = try #require(throws: PainterError.self) { try SessionRecord.read(url) }
        #expect("\(error)".contains("100000x100000 is larger than 8192x8192"))
    }
}
