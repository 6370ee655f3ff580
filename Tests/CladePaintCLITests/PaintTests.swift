import CLADE
import Foundation
import ImageFiles
import TestSupport
import Testing

/// `clade-paint paint` without a terminal: options, checks and the keys table (the painting itself is tested in
/// tmux, `PaintEndToEndTests`).
@Suite struct PaintTests {
    func paint(_ scratch: Scratch, _ arguments: [String]) throws -> CLI.Result {
        try scratch.run(["paint", "--model", scratch.modelFile, "--threads", "1", "--state-dir", "state"] + arguments)
    }

    @Test func keysPrintsTheTableForTheModelsPalette() throws {
        let scratch = try Scratch()
        let keyed = Scratch.gpl(Scratch.palette).replacingOccurrences(
            of: "Name: fixture\n", with: "Name: fixture\n# key: q class_2\n")
        try scratch.write(keyed, to: "keyed.gpl")
        let result = try paint(scratch, ["--palette", "keyed.gpl", "--keys"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("| Keys | What they do |\n| --- | --- |\n| **Move and paint** | |\n"))
        #expect(result.stdout.contains("| `Q` | select a class by its letter (see the palette) |"))
        #expect(result.stdout.contains("| `1-6` | select one of the first 6 classes |"))
        #expect(result.stdout.contains("| `w` | save picture, mask, instances, JSON |"))
    }

    @Test func withoutATerminalItSaysSoAndWritesNothing() throws {
        let scratch = try Scratch()
        let result = try paint(scratch, ["--out", "pictures"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("the painter needs a terminal"))
        #expect(!FileManager.default.fileExists(atPath: scratch.url("pictures").path))
    }

    @Test func optionsAreCheckedBeforeTheScreenOpens() throws {
        let scratch = try Scratch()
        var result = try paint(scratch, ["--grid", "300x10"])
        #expect(result.stderr.contains("--grid 300x10: at most 256x256 cells"))
        result = try paint(scratch, ["--grid", "100x10"])
        #expect(result.stderr.contains("--grid 100x10 has more cells than the picture has pixels (64x64)"))
        result = try paint(scratch, ["--instances", "i.png"])
        #expect(result.stderr.contains("--instances goes with --mask."))
        result = try paint(scratch, ["--mask", "m.png", "--grid", "8x8"])
        #expect(result.stderr.contains("Give --mask or --grid, not both"))
        result = try paint(scratch, ["--mask", "missing.png"])
        #expect(result.errorLines == ["clade-paint: error: missing.png: no such mask file"])
        result = try paint(scratch, ["--size", "128x128"])
        #expect(
            result.stderr.contains(
                "--size: a 128x128 picture: this model starts from a style code (use_vae), so it draws only 64x64, 32x32"
            ))
        try scratch.writeMask(
            LabelMap(width: 80, height: 8, classes: [Int32](repeating: 1, count: 640)), to: "wide.png")
        result = try paint(scratch, ["--mask", "wide.png"])
        #expect(
            result.errorLines == [
                "clade-paint: error: wide.png: the mask is 80x8; the picture is 64x64: a mask to paint on is a grid at most the picture's size"
            ])
        #expect(try scratch.fileNames().filter { $0 == "state" }.isEmpty)
    }

    /// A saved painting to open: the session file the painter writes, with its mask and instance map.
    func savedSession(_ scratch: Scratch, model: String) throws {
        let labels = LabelMap(width: 8, height: 8, classes: (0 ..< 64).map { Int32($0 % 6) })
        try scratch.writeMask(labels, to: "p-001.mask.png")
        try scratch.writeInstances(InstanceMap(zerosWidth: 8, height: 8), to: "p-001.instances.png")
        try scratch.write(
            """
            {"format": "clade-paint session", "version": 1, "model": "\(model)", "image": "p-001.png",
             "mask": "p-001.mask.png", "instances": "p-001.instances.png", "width": 64, "height": 64,
             "grid_width": 8, "grid_height": 8, "icpe": false, "style_seed": 5}
            """, to: "p-001.json")
    }

    @Test func sessionAndStyleAreCheckedBeforeTheScreenOpens() throws {
        let scratch = try Scratch()
        var result = try paint(scratch, ["--session", "missing.json"])
        #expect(result.errorLines == ["clade-paint: error: missing.json: no such session file"])
        result = try paint(scratch, ["--session", "p-001.json", "--grid", "8x8"])
        #expect(result.stderr.contains("--session brings its own mask, grid and size"))
        result = try paint(scratch, ["--style", "nosuch"])
        #expect(result.stderr.contains("no style preset 'nosuch'"), "\(result.stderr)")
        result = try paint(scratch, ["--style", "3", "--style-image", "ref.png"])
        #expect(result.stderr.contains("Give --style or --style-image, not both."))

        // Without --model, a session opens with the model it names; a mask it names must exist.
        try savedSession(scratch, model: scratch.url("nowhere.safetensors").path)
        result = try scratch.run(["paint", "--session", "p-001.json", "--threads", "1", "--state-dir", "state"])
        #expect(
            result.errorLines == ["clade-paint: error: \(scratch.url("nowhere.safetensors").path): no such model file"],
            "\(result.stderr)")
        try savedSession(scratch, model: scratch.url(scratch.modelFile).path)
        try FileManager.default.removeItem(at: scratch.url("p-001.mask.png"))
        result = try scratch.run(["paint", "--session", "p-001.json", "--threads", "1", "--state-dir", "state"])
        #expect(result.status == 1 && result.stderr.contains("p-001.mask.png"), "\(result.stderr)")
        // Whole, it gets as far as the terminal.
        try savedSession(scratch, model: scratch.url(scratch.modelFile).path)
        result = try scratch.run([
            "paint", "--session", "p-001.json", "--style", "9", "--threads", "1", "--state-dir", "state",
        ])
        #expect(result.stderr.contains("the painter needs a terminal"), "\(result.stderr)")
    }

    /// The painter's inputs pass the same guards as render's: sizes from the PNG header, regular files only.
    @Test func hostileInputsAreRefusedBeforeTheScreenOpens() throws {
        let scratch = try Scratch()
        try FileProblemTests.pngHeader(width: 32000, height: 32000).write(to: scratch.url("huge.png"))
        var result = try paint(scratch, ["--mask", "huge.png"])
        #expect(
            result.errorLines == [
                "clade-paint: error: huge.png: the mask is 32000x32000; the picture is 64x64: a mask to paint on is a grid at most the picture's size"
            ])
        try FileManager.default.copyItem(
            at: TestFixtures.folder.appendingPathComponent("clade_instance.model.safetensors"),
            to: scratch.url("plain.safetensors"))
        result = try scratch.run([
            "paint", "--model", "plain.safetensors", "--size", "65536x65536", "--state-dir", "state",
        ])
        #expect(
            result.errorLines == [
                "clade-paint: error: plain.safetensors: --size: a 65536x65536 picture: at most 8192x8192 pixels (a picture that large takes gigabytes while it is drawn)"
            ])
        #expect(mkfifo(scratch.url("pipe.png").path, 0o600) == 0)
        let (piped, opened) = try watchingFIFO(scratch.url("pipe.png").path) {
            try paint(scratch, ["--style-image", "pipe.png"])
        }
        #expect(!opened)
        #expect(
            piped.errorLines == [
                "clade-paint: error: pipe.png: this is a named pipe (FIFO), not a reference picture (only regular files are read)"
            ])
        result = try paint(scratch, ["--threads", "5000"])
        #expect(result.stderr.contains("--threads 5000: at most 1024"))
    }
}
