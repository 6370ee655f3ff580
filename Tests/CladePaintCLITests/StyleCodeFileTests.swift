import CLADE
import Foundation
import Testing

@testable import clade_paint

@Suite struct StyleCodeFileTests {
    func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("style-code-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Every float32 reads back bit for bit, also the awkward ones (subnormals, -0, the extremes).
    @Test func writtenCodesReadBackExactly() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let awkward: [Float] = [
            0, -0.0, 1, -1, 0.1, 1e-45, -1.17549435e-38, 3.4028235e38, -3.4028235e38, 16_777_217, 1.0 / 3,
        ]
        let code = StyleCode(values: StyleCode.random(seed: 11, count: 245).values + awkward)
        let path = folder.appendingPathComponent("z.json").path
        try StyleCodeFile.write(code, to: path, force: false)
        let back = try StyleCodeFile.read(path, zDim: code.values.count)
        #expect(back.values.map(\.bitPattern) == code.values.map(\.bitPattern))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["z.json"])
    }

    /// A plain JSON array that Python's `json.load` reads as it is.
    @Test func textIsAPlainJSONArray() throws {
        let text = StyleCodeFile.text(of: StyleCode(values: [0.5, -2, 1e-5]))
        #expect(text == "[0.5, -2.0, 1e-05]\n")
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Double]
        #expect(parsed == [0.5, -2, 1e-5])
    }

    @Test func nonFiniteValuesAreNotWritten() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("z.json").path
        #expect(
            throws: FileProblem(
                file: path, problem: "cannot write the style code: value 1 is nan, which JSON cannot hold")
        ) {
            try StyleCodeFile.write(StyleCode(values: [0, .nan]), to: path, force: false)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func nullIsNoNumber() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("z.json").path
        try Data("[0.5, null]".utf8).write(to: URL(fileURLWithPath: path))
        #expect(
            throws: FileProblem(
                file: path, problem: "value 1 of the style code is null (a style code is a JSON array of numbers)")
        ) {
            try StyleCodeFile.read(path, zDim: 2)
        }
    }
}
