import Foundation
import Testing

@testable import ImageFiles

@Suite struct PaletteTests {
    let sample = """
        GIMP Palette
        Name: Landscape test
        Columns: 4
        # Classes in index order.
        # key: s sky
        # key: T tall grass
        135 206 235\tsky
          0 128   0\ttall grass
        255 255 255 snow
        """

    @Test func parsesHeaderEntriesAndKeyHints() throws {
        let palette = try Palette(parsing: sample, path: "test.gpl")
        #expect(palette.name == "Landscape test")
        #expect(palette.columns == 4)
        #expect(
            palette.entries == [
                .init(color: RGBColor(135, 206, 235), name: "sky", key: "s"),
                .init(color: RGBColor(0, 128, 0), name: "tall grass", key: "T"),
                .init(color: RGBColor(255, 255, 255), name: "snow"),
            ])
    }

    @Test func acceptsWindowsLineEndingsAndByteOrderMark() throws {
        let text = "\u{FEFF}" + sample.replacingOccurrences(of: "\n", with: "\r\n")
        let palette = try Palette(parsing: text, path: "test.gpl")
        #expect(palette.count == 3)
        #expect(palette.entries[2].name == "snow")
    }

    @Test func looksUpExactAndNearestColours() throws {
        let palette = try Palette(parsing: sample, path: "test.gpl")
        #expect(palette.index(of: RGBColor(0, 128, 0)) == 1)
        #expect(palette.index(of: RGBColor(0, 128, 1)) == nil)
        #expect(palette.nearest(to: RGBColor(10, 120, 10)) == 1)
        #expect(palette.nearest(to: RGBColor(250, 250, 250)) == 2)
    }

    @Test(arguments: [
        ("Palette\n1 2 3 a", 1, "first line must be 'GIMP Palette'"),
        ("GIMP Palette\nName: x\n1 2 300 a", 3, "blue value 300 is outside 0 to 255"),
        ("GIMP Palette\n1 two 3 a", 2, "green value 'two' is not a whole number"),
        ("GIMP Palette\n\n1 2", 3, "blue value is missing"),
        ("GIMP Palette\n1 2 3a name", 2, "blue value '3a' is not a whole number"),
        ("GIMP Palette\nColumns: many\n1 2 3 a", 2, "'Columns:' needs a whole number"),
        ("GIMP Palette\n1 2 3 a\n4 5 6 b\n1 2 3 c", 4, "repeats the entry on line 2"),
        ("GIMP Palette\n# key: q water\n1 2 3 sky", 2, "no entry has that name"),
        (
            "GIMP Palette\n# key: q sky\n# key: q sea\n1 2 3 sky\n4 5 6 sea", 3,
            "key 'q' is already given to another class on line 2"
        ),
        ("GIMP Palette\n# key: qq sky\n1 2 3 sky", 2, "one-character key"),
        ("GIMP Palette\n# key: q sky\n1 2 3 sky\n4 5 6 sky", 2, "shared by the entries on lines 3, 4"),
    ])
    func reportsBadLinesWithFileAndLine(text: String, line: Int, problem: String) {
        #expect(throws: ImageFileError.self) { try Palette(parsing: text, path: "bad.gpl") }
        let message = errorText { _ = try Palette(parsing: text, path: "bad.gpl") } ?? ""
        #expect(message.hasPrefix("bad.gpl:\(line): "), "\(message)")
        #expect(message.contains(problem), "\(message)")
    }

    @Test func rejectsPaletteWithoutColours() {
        let message = errorText {
            _ = try Palette(parsing: "GIMP Palette\nName: empty\n# nothing\n", path: "empty.gpl")
        }
        #expect(message == "empty.gpl: the palette has no colours")
    }

    @Test func readsFileAndNamesMissingOnes() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("classes.gpl")
            try sample.write(to: url, atomically: true, encoding: .utf8)
            #expect(try Palette(contentsOf: url) == Palette(parsing: sample, path: "other name"))

            let missing = folder.appendingPathComponent("missing.gpl")
            #expect(errorText { _ = try Palette(contentsOf: missing) } == "\(missing.path): no such palette file")

            let binary = folder.appendingPathComponent("binary.gpl")
            try Data([0x47, 0xFF, 0xFE, 0x00]).write(to: binary)
            #expect(errorText { _ = try Palette(contentsOf: binary) }?.contains("not a text file") == true)
        }
    }
}
