import CLADE
import Foundation
import ImageFiles
import TestSupport
import Testing

@testable import clade_paint

#if canImport(Glibc)
    import Glibc
#endif

/// Hostile inputs and outputs: named pipes and devices, PNG headers of huge pictures, outputs onto inputs, links and
/// devices, sizes beyond what can be drawn, damaged weights, escape sequences inside files, and existing outputs.
extension FileProblemTests {
    /// The first 33 bytes of a PNG (signature and IHDR chunk, CRC left zero) declaring `width x height`: all a
    /// reader that checks the header before decoding ever looks at.
    static func pngHeader(width: UInt32, height: UInt32, colourType: UInt8 = 3) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        for value in [width, height] { bytes += withUnsafeBytes(of: value.bigEndian, Array.init) }
        bytes += [8, colourType, 0, 0, 0, 0, 0, 0, 0]
        return Data(bytes)
    }

    @Test func namedPipesAndDevicesAreRefusedWithoutBeingOpened() throws {
        let scratch = try scratch()
        let pipe = scratch.url("pipe.png").path
        #expect(mkfifo(pipe, 0o600) == 0)
        let cases: [([String], String)] = [
            (["pipe.png", "-o", "out.png"], "mask file"),
            (["grid.png", "--instances", "pipe.png", "-o", "out.png"], "instance map file"),
            (["grid.png", "--style-image", "pipe.png", "-o", "out.png"], "reference picture"),
            (["grid.png", "--style-code", "pipe.png", "-o", "out.png"], "style code file"),
            (["grid.png", "--palette", "pipe.png", "-o", "out.png"], "palette file"),
        ]
        for (arguments, kind) in cases {
            let (_, opened) = try watchingFIFO(pipe) {
                try expectFailure(
                    scratch, render(scratch, arguments), file: "pipe.png: ",
                    problem: "this is a named pipe (FIFO), not a \(kind)")
            }
            #expect(!opened, "\(arguments): the pipe was opened for reading")
        }
        let (_, modelOpened) = try watchingFIFO(pipe) {
            try expectFailure(
                scratch, render(scratch, model: "pipe.png", ["grid.png", "-o", "out.png"]), file: "pipe.png: ",
                problem: "named pipe (FIFO), not a model file")
            try expectFailure(
                scratch, ["render", "--session", "pipe.png"], file: "pipe.png: ",
                problem: "named pipe (FIFO), not a session file")
        }
        #expect(!modelOpened)
        try expectFailure(
            scratch, render(scratch, ["/dev/zero", "-o", "out.png"]), file: "/dev/zero: ",
            problem: "this is a character device, not a mask file")
    }

    /// A 995 KB PNG can declare 32000x32000 pixels; the size is refused from the header, in words, before decoding.
    @Test func pngHeadersOfHugePicturesAreRefusedBeforeDecoding() throws {
        let scratch = try scratch()
        try Self.pngHeader(width: 32000, height: 32000).write(to: scratch.url("huge.png"))
        try Self.pngHeader(width: 32000, height: 32000, colourType: 0).write(to: scratch.url("huge-grey.png"))
        try Self.pngHeader(width: 32000, height: 32000, colourType: 2).write(to: scratch.url("huge-rgb.png"))
        try Self.pngHeader(width: 70000, height: 8).write(to: scratch.url("wide.png"))
        try Self.pngHeader(width: 0, height: 8).write(to: scratch.url("empty.png"))
        try expectFailure(
            scratch, render(scratch, ["huge.png", "-o", "out.png"]),
            file: "huge.png: ", problem: "the mask is 32000x32000 pixels; the picture is 64x64")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--instances", "huge-grey.png", "-o", "out.png"]),
            file: "huge-grey.png: ", problem: "the instance map is 32000x32000 pixels but the label map grid.png is 8x8"
        )
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--style-image", "huge-rgb.png", "-o", "out.png"]),
            file: "huge-rgb.png: ",
            problem:
                "the reference picture is 32000x32000 pixels (1024 megapixels); the style encoder takes at most 64 megapixels"
        )
        try expectFailure(
            scratch, render(scratch, ["wide.png", "-o", "out.png"]),
            file: "wide.png: ", problem: "the mask is 70000x8 pixels; the picture is 64x64")
        // Beyond libpng's side limit ("Invalid IHDR data" before), told in words.
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--style-image", "wide.png", "-o", "out.png"]),
            file: "wide.png: ",
            problem: "the image is 70000x8 pixels, larger than clade-paint reads (at most 65535 pixels a side")
        try expectFailure(
            scratch, render(scratch, ["empty.png", "-o", "out.png"]),
            file: "empty.png: ", problem: "the PNG header gives the size 0x8 pixels, which no PNG can have")
        try RenderSessionTests().writeSession(scratch)
        try Self.pngHeader(width: 32000, height: 32000).write(to: scratch.url("p-001.mask.png"))
        try expectFailure(
            scratch, ["render", "--session", "p-001.json", "--threads", "1"],
            file: "./p-001.mask.png: ", problem: "the mask is 32000x32000; the session p-001.json says 8x8")
    }

    @Test func noOutputReplacesAnInputHoweverItIsNamed() throws {
        let scratch = try scratch()
        try scratch.write(Scratch.gpl(Scratch.palette), to: "my.gpl")
        try scratch.write("[" + Array(repeating: "0", count: 16).joined(separator: ", ") + "]", to: "z.json")
        #expect(link(scratch.url(scratch.modelFile).path, scratch.url("hard-link.safetensors").path) == 0)
        let cases: [([String], String, String)] = [
            (
                ["grid.png", "--palette", "my.gpl", "-o", "my.gpl", "--force"], "my.gpl: ",
                "the output would replace an input file"
            ),
            (
                ["grid.png", "--palette", "my.gpl", "--write-style-code", "my.gpl", "-o", "out.png", "--force"],
                "my.gpl: ", "the style code would replace an input file"
            ),
            (
                ["grid.png", "--style-code", "z.json", "--write-style-code", "z.json", "-o", "out.png", "--force"],
                "z.json: ", "the style code would replace an input file"
            ),
            // The palette the model names, found next to it.
            (
                ["grid.png", "-o", "Palettes/fixture.gpl", "--force"], "Palettes/fixture.gpl: ",
                "the output would replace an input file"
            ),
            (
                ["grid.png", "-o", "Palettes/../Palettes/fixture.gpl", "--force"], "Palettes/../Palettes/fixture.gpl: ",
                "the output would replace an input file"
            ),
            (
                ["grid.png", "-o", "hard-link.safetensors", "--force"], "hard-link.safetensors: ",
                "the output would replace an input file"
            ),
        ]
        for (arguments, file, problem) in cases {
            try expectFailure(scratch, render(scratch, arguments), file: file, problem: problem)
        }
        try RenderSessionTests().writeSession(scratch)
        try expectFailure(
            scratch, ["render", "--session", "p-001.json", "-o", "Palettes/fixture.gpl", "--force"],
            file: "Palettes/fixture.gpl: ", problem: "the output would replace an input file")
        #expect(
            try String(contentsOf: scratch.url("Palettes/fixture.gpl"), encoding: .utf8) == Scratch.gpl(Scratch.palette)
        )
    }

    /// As root, a rename onto `/dev/null` would replace the device with a plain file; links and devices are refused,
    /// with or without --force, and the message says what is there.
    @Test func onlyRegularFilesAreReplaced() throws {
        let scratch = try scratch()
        try scratch.write("keep\n", to: "target.txt")
        try FileManager.default.createSymbolicLink(
            atPath: scratch.url("link.png").path, withDestinationPath: "target.txt")
        #expect(mkfifo(scratch.url("pipe.png").path, 0o600) == 0)
        for force in [[], ["--force"]] {
            try expectFailure(
                scratch, render(scratch, ["grid.png", "-o", "/dev/null"] + force),
                file: "/dev/null: ",
                problem: "cannot write: this is a character device; only a regular file is replaced")
            try expectFailure(
                scratch, render(scratch, ["grid.png", "-o", "link.png"] + force),
                file: "link.png: ",
                problem: "cannot write: this is a symbolic link (to target.txt); only a regular file is replaced")
            try expectFailure(
                scratch, render(scratch, ["grid.png", "-o", "pipe.png"] + force),
                file: "pipe.png: ",
                problem: "cannot write: this is a named pipe (FIFO); only a regular file is replaced")
            try expectFailure(
                scratch, render(scratch, ["grid.png", "--write-style-code", "link.png", "-o", "out.png"] + force),
                file: "link.png: ", problem: "symbolic link")
        }
        var status = stat()
        #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.url("link.png").path) == "target.txt")
        #expect(try String(contentsOf: scratch.url("target.txt"), encoding: .utf8) == "keep\n")
    }

    /// Render refuses to overwrite without --force, as the painter never overwrites a save.
    @Test func existingOutputsAreKeptUnlessForced() throws {
        let scratch = try scratch()
        try scratch.write("earlier picture\n", to: "out.png")
        try scratch.write("earlier code\n", to: "z.json")
        try scratch.write("earlier picture\n", to: "grid.render.png")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "-o", "out.png"]),
            file: "out.png: ", problem: "cannot write: a file of that name exists; give --force to replace it")
        try expectFailure(
            scratch, render(scratch, ["grid.png"]),
            file: "grid.render.png: ", problem: "a file of that name exists; give --force to replace it")
        try expectFailure(
            scratch, render(scratch, ["grid.png", "--write-style-code", "z.json", "-o", "new.png"]),
            file: "z.json: ", problem: "a file of that name exists; give --force to replace it")
        #expect(try String(contentsOf: scratch.url("out.png"), encoding: .utf8) == "earlier picture\n")
        let forced = try scratch.render([
            "grid.png", "-o", "out.png", "--write-style-code", "z.json", "--style", "2", "--force",
        ])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try scratch.picture("out.png").width == 64)
        #expect(try String(contentsOf: scratch.url("z.json"), encoding: .utf8).hasPrefix("["))
        try RenderSessionTests().writeSession(scratch)
        try expectFailure(
            scratch, ["render", "--session", "p-001.json", "-o", "out.png"], file: "out.png: ",
            problem: "give --force to replace it")
    }

    @Test func sizesBeyondWhatCanBeDrawnAreRefusedFirst() throws {
        let scratch = try scratch()
        try FileManager.default.copyItem(
            at: TestFixtures.folder.appendingPathComponent("clade_instance.model.safetensors"),
            to: scratch.url("plain.safetensors"))
        try expectFailure(
            scratch,
            render(scratch, model: "plain.safetensors", ["grid.png", "--size", "65536x65536", "-o", "out.png"]),
            file: "plain.safetensors: ", problem: "--size: a 65536x65536 picture: at most 8192x8192 pixels")
        try expectFailure(
            scratch, render(scratch, model: "plain.safetensors", ["grid.png", "--size", "65536x32", "-o", "out.png"]),
            file: "plain.safetensors: ", problem: "at most 8192x8192 pixels")
        // The session's size is checked before its mask is read: the mask is not even there.
        try RenderSessionTests().writeSession(scratch, width: 128)
        try FileManager.default.removeItem(at: scratch.url("p-001.mask.png"))
        try expectFailure(
            scratch, ["render", "--session", "p-001.json", "--threads", "1"],
            file: "p-001.json: ",
            problem:
                "\(scratch.url(scratch.modelFile).path) cannot draw the painting: a 128x64 picture: this model starts from a style code"
        )
    }

    /// One NaN in a weight drew an all-black picture with exit status 0.
    @Test func nonFiniteWeightsAndNegativeVariancesAreRefusedAtLoad() throws {
        let scratch = try scratch()
        var nan = try ModelBytes(contentsOf: scratch.url(scratch.modelFile))
        nan.setFloat("up_1.conv_0.weight", element: 5, to: .nan)
        try nan.write(to: scratch.url("nan.safetensors"))
        try expectFailure(
            scratch, render(scratch, model: "nan.safetensors", ["grid.png", "-o", "out.png"]),
            file: "nan.safetensors: ", problem: "tensor 'up_1.conv_0.weight' holds nan at element 5 (1 non-finite of ")
        try expectFailure(
            scratch, ["info", "--model", "nan.safetensors"], file: "nan.safetensors: ",
            problem: "tensor 'up_1.conv_0.weight' holds nan")
        var infinite = try ModelBytes(contentsOf: scratch.url(scratch.modelFile))
        infinite.setFloat("encoder.fc_mu.bias", element: 0, to: -.infinity)
        try infinite.write(to: scratch.url("inf.safetensors"))
        try expectFailure(
            scratch, render(scratch, model: "inf.safetensors", ["grid.png", "-o", "out.png"]),
            file: "inf.safetensors: ", problem: "tensor 'encoder.fc_mu.bias' holds -inf at element 0")
        var variance = try ModelBytes(contentsOf: scratch.url(scratch.modelFile))
        variance.setFloat("head_0.norm_0.param_free_norm.running_var", element: 2, to: -0.5)
        try variance.write(to: scratch.url("variance.safetensors"))
        try expectFailure(
            scratch, ["info", "--model", "variance.safetensors"], file: "variance.safetensors: ",
            problem:
                "tensor 'head_0.norm_0.param_free_norm.running_var' holds the variance -0.5 at element 2: a variance cannot be negative"
        )
    }

    /// Text from files reaches the terminal with its control characters escaped.
    @Test func escapeSequencesInsideFilesArePrintedEscaped() throws {
        let scratch = try scratch()
        var model = try ModelBytes(contentsOf: scratch.url(scratch.modelFile))
        var config = model.config
        config["class_names"] = ["class_0", "\u{1B}]0;owned\u{07}sky", "class_2", "class_3", "class_4", "\u{1B}[2J"]
        config["training_data"] = "notes\u{1B}[31m red"
        model.config = config
        try model.write(to: scratch.url("escape.safetensors"))
        let info = try scratch.run(["info", "--model", "escape.safetensors"])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(!info.stdout.contains("\u{1B}") && !info.stdout.contains("\u{07}"))
        #expect(info.stdout.contains("\\u{1B}]0;owned\\u{7}sky") && info.stdout.contains("notes\\u{1B}[31m red"))

        var tensorName = try ModelBytes(contentsOf: scratch.url(scratch.modelFile))
        tensorName.header["evil\u{1B}[8m"] = tensorName.header.removeValue(forKey: "conv_img.bias")
        try tensorName.write(to: scratch.url("tensor.safetensors"))
        try expectFailure(
            scratch, render(scratch, model: "tensor.safetensors", ["grid.png", "-o", "out.png"]),
            file: "tensor.safetensors: ", problem: "unexpected tensor 'evil\\u{1B}[8m'")
        try expectFailure(
            scratch, render(scratch, ["no\u{1B}[2Jmask.png", "-o", "out.png"]), file: "no\\u{1B}[2Jmask.png: ",
            problem: "no such mask file")
    }

    @Test func messagesNameTheRealProblem() throws {
        let scratch = try scratch()
        var model = try ModelBytes(contentsOf: scratch.url(scratch.modelFile))
        var config = model.config
        config["ngf"] = 32.5
        model.config = config
        try model.write(to: scratch.url("ngf.safetensors"))
        try expectFailure(
            scratch, render(scratch, model: "ngf.safetensors", ["grid.png", "-o", "out.png"]),
            file: "ngf.safetensors: ", problem: "config: 'ngf': 32.5 is not a whole number")

        try RenderSessionTests().writeSession(scratch, style: "\"style_seed\": -1")
        try expectFailure(
            scratch, ["render", "--session", "p-001.json"], file: "p-001.json: ",
            problem: "'style_seed': -1 is out of range")
        try RenderSessionTests().writeSession(scratch)
        try FileManager.default.removeItem(at: scratch.url("p-001.mask.png"))
        try FileManager.default.createDirectory(at: scratch.url("p-001.mask.png"), withIntermediateDirectories: false)
        try expectFailure(
            scratch, ["render", "--session", "p-001.json"], file: "./p-001.mask.png: ",
            problem: "this is a folder, not a PNG image")

        let negative = try scratch.render(["grid.png", "--style", "-1", "-o", "out.png"])
        #expect(
            negative.status != 0 && negative.stderr.contains("The value '-1' is invalid for '--style"),
            "\(negative.stderr)")
        let threads = try scratch.run(["render", "grid.png", "--model", scratch.modelFile, "--threads", "100000"])
        #expect(threads.status != 0 && threads.stderr.contains("--threads 100000: at most 1024"), "\(threads.stderr)")
    }
}
