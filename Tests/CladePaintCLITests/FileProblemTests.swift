import CLADE
import Foundation
import ImageFiles
import Painter
import TestSupport
import Testing

@testable import clade_paint

/// Every kind of bad input, given to the built binary: one line on stderr, `clade-paint: error: <file>: <problem>`,
/// exit status 1, and no output file, not even a partial or temporary one.
@Suite struct FileProblemTests {
    /// A scratch folder with a good 8x8 grid mask `grid.png` and the fixture model.
    func scratch() throws -> Scratch {
        let scratch = try Scratch()
        let io = try scratch.io()
        try scratch.writeMask(try scratch.labelMap("in.grid_labels", io: io), to: "grid.png")
        return scratch
    }

    /// The painter's errors keep the file and place they name; one about no file is about the file the command
    /// was working on.
    @Test func painterErrorsKeepTheirFileAndPlace() {
        let record = PainterError(
            file: "saves/p-001.json", place: .key("version"), "is 2; this clade-paint reads version 1")
        #expect(
            throws: FileProblem(file: "saves/p-001.json", problem: "\"version\" is 2; this clade-paint reads version 1")
        ) {
            try FileProblem.attributing(to: "other.json") { () throws -> Void in throw record }
        }
        #expect(throws: FileProblem(file: "m.safetensors", problem: "no style preset 'x' in this model (it has none)"))
        {
            try FileProblem.attributing(to: "m.safetensors") { () throws -> Void in
                throw PainterError("no style preset 'x' in this model (it has none)")
            }
        }
    }

    /// Runs `arguments` and checks the failure: one error line naming `file` and containing `problem`,
    /// and no file in the folder beyond those there before.
    func expectFailure(
        _ scratch: Scratch, _ arguments: [String], file: String, problem: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = try scratch.fileNames()
        let result = try scratch.run(arguments)
        #expect(result.status == 1, "exit status", sourceLocation: sourceLocation)
        #expect(result.errorLines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        let line = result.errorLines.first ?? ""
        #expect(line.hasPrefix("clade-paint: error: \(file)"), "\(line)", sourceLocation: sourceLocation)
        #expect(line.contains(problem), "\(line)", sourceLocation: sourceLocation)
        #expect(try scratch.fileNames() == before, "files written", sourceLocation: sourceLocation)
        #expect(!result.stdout.contains(" -> "), "a picture was reported", sourceLocation: sourceLocation)
    }

    func render(_ scratch: Scratch, model: String? = nil, _ arguments: [String]) -> [String] {
        ["render", "--model", model ?? scratch.modelFile, "--threads", "1"] + arguments
    }

    @Test func truncatedModelFile() throws {
        let scratch = try scratch()
        let bytes = try Data(contentsOf: scratch.url(scratch.modelFile))
        try bytes.prefix(bytes.count - 100).write(to: scratch.url("cut.safetensors"))
        try expectFailure(
            scratch, render(scratch, model: "cut.safetensors", ["grid.png", "-o", "out.png"]),
            file: "cut.safetensors: ", problem: "beyond the data")
        try bytes.prefix(1000).write(to: scratch.url("short.safetensors"))
        try expectFailure(
            scratch, render(scratch, model: "short.safetensors", ["grid.png", "-o", "out.png"]),
            file: "short.safetensors: ", problem: "truncated")
    }

    @Test func corruptModelHeader() throws {
        let scratch = try scratch()
        var bytes = try Data(contentsOf: scratch.url(scratch.modelFile))
        bytes[8] = UInt8(ascii: "[")
        bytes[12] = UInt8(ascii: "}")
        try bytes.write(to: scratch.url("corrupt.safetensors"))
        try expectFailure(
            scratch, render(scratch, model: "corrupt.safetensors", ["grid.png", "-o", "out.png"]),
            file: "corrupt.safetensors: ", problem: "not valid JSON")
        try expectFailure(
            scratch, ["info", "--model", "corrupt.safetensors"], file: "corrupt.safetensors: ",
            problem: "not valid JSON")
    }

    @Test func tensorOfTheWrongShape() throws {
        let scratch = try scratch()
        var model = try ModelBytes(contentsOf: scratch.url(scratch.modelFile))
        let shape = model.entry("up_3.conv_0.weight")["shape"] as! [Int]
        model.setEntry("up_3.conv_0.weight", "shape", to: [shape[1], shape[0], shape[2], shape[3]])
        try model.write(to: scratch.url("shape.safetensors"))
        try expectFailure(
            scratch, render(scratch, model: "shape.safetensors", ["grid.png", "-o", "out.png"]),
            file: "shape.safetensors: ",
            problem: "tensor 'up_3.conv_0.weight' has shape [\(shape[1]), \(shape[0]), 3, 3], expected \(shape)")
    }

    @Test func tensorOfTheWrongDtype() throws {
        let scratch = try scratch()
        var model = try ModelBytes(contentsOf: scratch.url(scratch.modelFile))
        model.setEntry("conv_img.bias", "dtype", to: "I32")
        try model.write(to: scratch.url("dtype.safetensors"))
        try expectFailure(
            scratch, render(scratch, model: "dtype.safetensors", ["grid.png", "-o", "out.png"]),
            file: "dtype.safetensors: ", problem: "tensor 'conv_img.bias' has dtype I32")
    }

    @Test func modelFileThatIsMissingOrNoModel() throws {
        let scratch = try scratch()
        try expectFailure(
            scratch, render(scratch, model: "none.safetensors", ["grid.png", "-o", "out.png"]),
            file: "none.safetensors: ", problem: "no such model file")
        try expectFailure(
            scratch, render(scratch, model: "grid.png", ["grid.png", "-o", "out.png"]),
            file: "grid.png: ", problem: "header length")
    }

    @Test func labelValueBeyondTheClasses() throws {
        let scratch = try scratch()
        // Index 6 of the seven-colour palette: the fixture model has six classes.
        try scratch.writeMask(
            LabelMap(width: 4, height: 4, classes: [Int32](repeating: 2, count: 15) + [6]), to: "seven.png")
        try expectFailure(
            scratch, render(scratch, ["seven.png", "-o", "out.png"]),
            file: "seven.png: pixel (x 3, y 3): ", problem: "palette index 6 is no class")
    }

    @Test func colourThatIsNoClass() throws {
        let scratch = try scratch()
        var pixels = [UInt8](repeating: 0, count: 8 * 8 * 3)
        for i in 0 ..< 64 { (pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]) = (200, 30, 30) }
        (pixels[3 * 9], pixels[3 * 9 + 1], pixels[3 * 9 + 2]) = (201, 30, 30)
        try PNGImage(width: 8, height: 8, pixels: pixels).write(to: scratch.url("rgb.png"))
        try expectFailure(
            scratch, render(scratch, ["rgb.png", "-o", "out.png"]),
            file: "rgb.png: pixel (x 1, y 1): ", problem: "colour #c91e1e (201, 30, 30) is no class")
    }

    @Test func instanceMapOfAnotherSize() throws {
        let scratch = try scratch()
        try scratch.writeInstances(InstanceMap(zerosWidth: 16, height: 8), to: "inst.png")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--instances", "inst.png", "-o", "out.png"]),
            file: "inst.png: ", problem: "the instance map is 16x8 pixels but the label map grid.png is 8x8")
    }

    @Test func maskOfAnUnusableSize() throws {
        let scratch = try scratch()
        try scratch.writeMask(
            LabelMap(width: 80, height: 8, classes: [Int32](repeating: 1, count: 640)), to: "wide.png")
        try expectFailure(
            scratch, render(scratch, ["wide.png", "-o", "out.png"]),
            file: "wide.png: ", problem: "the mask is 80x8 pixels; the picture is 64x64")
    }

    @Test func unreadableAndNonPNGFiles() throws {
        let scratch = try scratch()
        try expectFailure(
            scratch, render(scratch, ["missing.png", "-o", "out.png"]), file: "missing.png: ",
            problem: "no such mask file")
        try scratch.write("not a picture\n", to: "text.png")
        try expectFailure(
            scratch, render(scratch, ["text.png", "-o", "out.png"]), file: "text.png: ", problem: "not a PNG")
        try FileManager.default.createDirectory(at: scratch.url("folder.png"), withIntermediateDirectories: false)
        try expectFailure(
            scratch, render(scratch, ["folder.png", "-o", "out.png"]), file: "folder.png: ",
            problem: "this is a folder, not a mask file")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--style-image", "text.png", "-o", "out.png"]),
            file: "text.png: ", problem: "not a PNG")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--instances", "text.png", "-o", "out.png"]),
            file: "text.png: ", problem: "not a PNG")
    }

    @Test func unwritableOutputPaths() throws {
        let scratch = try scratch()
        try expectFailure(
            scratch, render(scratch, ["grid.png", "-o", "nowhere/out.png"]),
            file: "nowhere/out.png: ", problem: "the folder nowhere does not exist")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "-o", "grid.png/out.png"]),
            file: "grid.png/out.png: ", problem: "grid.png is not a folder")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--write-style-code", "nowhere/z.json", "-o", "out.png"]),
            file: "nowhere/z.json: ", problem: "does not exist")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "-o", "grid.png"]),
            file: "grid.png: ", problem: "would replace an input file")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "grid.png", "-o", "out.png"]),
            file: "out.png: ", problem: "2 masks need -o to name an existing folder")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--write-style-code", "grid.png", "-o", "out.png"]),
            file: "grid.png: ", problem: "would replace an input file")
    }

    @Test func badStyleCodeFiles() throws {
        let scratch = try scratch()
        let cases = [
            ("prose.json", "sixteen numbers", "not valid JSON"),
            ("object.json", "{\"z\": [1, 2]}", "expected a JSON array of numbers"),
            ("short.json", "[1, 2, 3]", "the style code has 3 values; the model's z_dim is 16"),
            (
                "text.json", "[1, \"two\"" + String(repeating: ", 0", count: 14) + "]",
                "value 1 of the style code is not a number"
            ),
            (
                "huge.json", "[1e300" + String(repeating: ", 0", count: 15) + "]",
                "value 0 of the style code, 1e+300, is beyond the float32 range"
            ),
        ]
        for (name, text, problem) in cases {
            try scratch.write(text, to: name)
            try expectFailure(
                scratch, render(scratch, ["grid.png", "--style-code", name, "-o", "out.png"]), file: "\(name): ",
                problem: problem)
        }
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--style-code", "absent.json", "-o", "out.png"]),
            file: "absent.json: ", problem: "no such style code file")
    }

    /// All masks are read before the first picture is written: a bad second mask leaves the folder empty.
    @Test func aBadMaskInABatchWritesNothing() throws {
        let scratch = try scratch()
        try scratch.write("not a picture\n", to: "broken.png")
        try FileManager.default.createDirectory(at: scratch.url("pictures"), withIntermediateDirectories: false)
        try expectFailure(
            scratch, render(scratch, ["grid.png", "broken.png", "--write-style-code", "z.json", "-o", "pictures"]),
            file: "broken.png: ", problem: "not a PNG")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url("pictures").path).isEmpty)
    }

    @Test func optionsTheModelHasNoUseFor() throws {
        let scratch = try scratch()
        try FileManager.default.copyItem(
            at: TestFixtures.folder.appendingPathComponent("clade_instance.model.safetensors"),
            to: scratch.url("plain.safetensors"))
        try expectFailure(
            scratch, render(scratch, model: "plain.safetensors", ["grid.png", "--style", "4", "-o", "out.png"]),
            file: "plain.safetensors: ", problem: "style options are not available for this model")
        try expectFailure(
            scratch, render(scratch, model: "plain.safetensors", ["grid.png", "--no-icpe", "-o", "out.png"]),
            file: "plain.safetensors: ", problem: "no ICPE")
        try expectFailure(
            scratch, render(scratch, model: "plain.safetensors", ["grid.png", "--size", "100x64", "-o", "out.png"]),
            file: "plain.safetensors: ", problem: "multiples of 32")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--size", "128x128", "-o", "out.png"]),
            file: "\(scratch.modelFile): ",
            problem:
                "--size: a 128x128 picture: this model starts from a style code (use_vae), so it draws only 64x64, 32x32"
        )
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--style", "sunset", "-o", "out.png"]),
            file: "\(scratch.modelFile): ", problem: "no style preset 'sunset'")
    }

    @Test func paletteNotFound() throws {
        let scratch = try scratch()
        try FileManager.default.removeItem(at: scratch.url("Palettes/fixture.gpl"))
        try expectFailure(
            scratch, render(scratch, ["grid.png", "-o", "out.png"]),
            file: "\(scratch.modelFile): ", problem: "the model's palette 'fixture' was not found")
        try scratch.write("GIMP Palette\n300 0 0 red\n", to: "bad.gpl")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--palette", "bad.gpl", "-o", "out.png"]),
            file: "bad.gpl:2: ", problem: "the red value 300 is outside 0 to 255")
    }

    @Test func manyModelProblemsStayOnOneLine() {
        let problem = FileProblem(file: "m.safetensors", problem: FileProblem.joined((1 ... 6).map { "problem \($0)" }))
        #expect(
            problem.message
                == "clade-paint: error: m.safetensors: 6 problems: problem 1; problem 2; problem 3; problem 4; and 2 more"
        )
        #expect(FileProblem.joined(["only"]) == "only")
    }
}
