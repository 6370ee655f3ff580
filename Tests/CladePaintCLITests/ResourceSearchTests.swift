import Foundation
import Testing

@testable import clade_paint

@Suite struct ResourceSearchTests {
    @Test func foldersGoUpToTheRoot() {
        let folders = ResourceSearch.folders(upFrom: URL(fileURLWithPath: "/a/b/../c", isDirectory: true)).map(\.path)
        #expect(folders == ["/a/c", "/a", "/"])
    }

    /// A copy of the binary in `<checkout>/bin/` finds `<checkout>/Models/landscape.safetensors` and, above the
    /// model, `<checkout>/Palettes/<name>.gpl`; without the model it says how to get one.
    @Test func theDefaultModelIsFoundAboveTheBinary() throws {
        let scratch = try Scratch()
        let binary = try #require(CLI.binary)
        let folder = scratch.url("bin")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        try FileManager.default.copyItem(at: binary, to: folder.appendingPathComponent("clade-paint"))
        let io = try scratch.io()
        try scratch.writeMask(try scratch.labelMap("in.grid_labels", io: io), to: "grid.png")

        let missing = try CLI.run(
            ["render", "grid.png", "-o", "out.png"], in: scratch.folder,
            binary: folder.appendingPathComponent("clade-paint"))
        #expect(missing.status == 1)
        #expect(missing.errorLines.count == 1)
        #expect(
            missing.stderr.hasPrefix(
                "clade-paint: error: Models/landscape.safetensors: no model given and no default model found"))
        #expect(missing.stderr.contains("Models/README.md"))

        try FileManager.default.createDirectory(at: scratch.url("Models"), withIntermediateDirectories: false)
        try FileManager.default.moveItem(
            at: scratch.url(scratch.modelFile), to: scratch.url("Models/landscape.safetensors"))
        let found = try CLI.run(
            ["render", "grid.png", "--style", "9", "-o", "out.png"], in: scratch.folder,
            binary: folder.appendingPathComponent("clade-paint"))
        #expect(found.status == 0, "\(found.stderr)")
        let modelPath = scratch.url("Models/landscape.safetensors").resolvingSymlinksInPath().path
        #expect(found.stdout.contains("model: \(modelPath) "), "\(found.stdout)")
        #expect(try scratch.picture("out.png").width == 64)
    }

    @Test func paletteNamesMustBePlainFileNames() {
        #expect(throws: FileProblem.self) { try ResourceSearch.palette(named: "../secret", modelPath: "m.safetensors") }
        #expect(throws: FileProblem.self) { try ResourceSearch.palette(named: "", modelPath: "m.safetensors") }
    }
}
