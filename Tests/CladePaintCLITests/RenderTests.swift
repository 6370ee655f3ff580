import CLADE
import Foundation
import ImageFiles
import Painter
import Testing

@testable import clade_paint

/// `clade-paint render`, run as a program against the parity fixtures' small models.
@Suite struct RenderTests {
    /// The fixtures' painted grid (8x8 or 16x8) and its instance grid, written as PNGs.
    func writeGrid(_ scratch: Scratch) throws -> (labels: LabelMap, instances: InstanceMap) {
        let io = try scratch.io()
        let labels = try scratch.labelMap("in.grid_labels", io: io)
        let instances = try scratch.instanceMap("in.grid_instances", io: io)
        try scratch.writeMask(labels, to: "grid.png")
        try scratch.writeInstances(instances, to: "grid_inst.png")
        return (labels, instances)
    }

    @Test func rendersAGridMaskAsTheEngineDoesInProcess() throws {
        let scratch = try Scratch()
        let grid = try writeGrid(scratch)
        let result = try scratch.render(["grid.png", "--instances", "grid_inst.png", "--style", "42", "-o", "out.png"])
        #expect(result.status == 0, "\(result.stderr)")
        let model = try scratch.model()
        let picture = try scratch.picture("out.png")
        #expect(picture.width == model.config.width && picture.height == model.config.height)
        let expected = try enginePicture(
            model: model, labels: grid.labels, instances: grid.instances,
            style: .random(seed: 42, count: model.config.zDim))
        #expect(differingBytes(picture.pixels, expected) == 0)
        #expect(result.stdout.contains("grid.png -> out.png: 64x64 (grid 8x8 upsampled) in "))
        #expect(result.stdout.contains("style: seed 42"))
        #expect(result.stderr.isEmpty)
    }

    /// From the painted grid through the Swift conditioning and generator to the PNG, against PyTorch's picture of
    /// the same grid (`out.image`, made from `in.labels` = the Python twin's upsampling of the grid): at most one
    /// 8-bit level apart, as outputs within 1e-4 can round to neighbouring levels.
    @Test(arguments: [
        "clade_icpe_edges_vae_batch", "clade_icpe_vae_instance_wide", "clade_edges_dontcare_batch_more",
        "clade_instance", "spade_edges_batch", "spade_vae_instance_wide",
    ])
    func matchesThePyTorchReferenceFromThePaintedGrid(fixture: String) throws {
        let scratch = try Scratch(fixture: fixture)
        _ = try writeGrid(scratch)
        let io = try scratch.io()
        var arguments = ["grid.png", "--instances", "grid_inst.png", "-o", "out.png"]
        if try scratch.model().config.useVAE {
            try scratch.write(StyleCodeFile.text(of: StyleCode(values: try io.floatTensor("in.z").data)), to: "z.json")
            arguments += ["--style-code", "z.json"]
        }
        let result = try scratch.render(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let picture = try scratch.picture("out.png")
        let reference = PNGImage(tensor: try io.floatTensor("out.image"))
        #expect(picture.width == reference.width && picture.height == reference.height)
        let worst = zip(picture.pixels, reference.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 1, "\(fixture): largest difference to PyTorch \(worst) levels")
    }

    @Test func writtenStyleCodeAndPrintedSeedReproduceThePicture() throws {
        let scratch = try Scratch()
        _ = try writeGrid(scratch)
        let first = try scratch.render(["grid.png", "--write-style-code", "z.json", "-o", "a.png"])
        #expect(first.status == 0, "\(first.stderr)")
        let again = try scratch.render(["grid.png", "--style-code", "z.json", "-o", "b.png"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try differingBytes(scratch.picture("a.png").pixels, scratch.picture("b.png").pixels) == 0)

        // "style: random, seed N (again: --style N)"
        let seedText = try #require(first.stdout.firstMatch(of: /random, seed (\d+)/)?.1)
        let seed = try #require(UInt64(seedText))
        let code = try StyleCodeFile.read(scratch.url("z.json").path, zDim: 16)
        #expect(code == StyleCode.random(seed: seed, count: 16))
        let bySeed = try scratch.render(["grid.png", "--style", String(seed), "-o", "c.png"])
        #expect(bySeed.status == 0, "\(bySeed.stderr)")
        #expect(try differingBytes(scratch.picture("a.png").pixels, scratch.picture("c.png").pixels) == 0)
    }

    @Test func severalMasksGoIntoAFolderUnderTheirNames() throws {
        let scratch = try Scratch()
        let grid = try writeGrid(scratch)
        let io = try scratch.io()
        let full = try scratch.labelMap("in.labels", io: io)
        try scratch.writeMask(full, to: "full.png")
        try FileManager.default.createDirectory(at: scratch.url("pictures"), withIntermediateDirectories: false)
        let result = try scratch.render(["grid.png", "full.png", "--style", "7", "-o", "pictures"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.url("pictures").path).sorted() == [
                "full.png", "grid.png",
            ])
        let model = try scratch.model()
        let style = StyleCode.random(seed: 7, count: 16)
        #expect(
            try differingBytes(
                scratch.picture("pictures/grid.png").pixels,
                enginePicture(model: model, labels: grid.labels, style: style)) == 0)
        // A mask at the model's size is used as is.
        #expect(
            try differingBytes(
                scratch.picture("pictures/full.png").pixels, enginePicture(model: model, labels: full, style: style))
                == 0)
        let lines = result.stdout.split(separator: "\n").filter { $0.contains(" -> ") }
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains(" ms (conditioning ") && $0.contains("generator ") })
        #expect(result.stdout.split(separator: "\n").last?.contains(" pictures/s") == true)
    }

    @Test func withoutOutputTheSiblingNameInTheCurrentFolderIsUsed() throws {
        let scratch = try Scratch()
        _ = try writeGrid(scratch)
        let result = try scratch.render(["grid.png", "--style", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try scratch.picture("grid.render.png").width == 64)
    }

    @Test func styleImageTakesTheEncodersMean() throws {
        let scratch = try Scratch()
        let grid = try writeGrid(scratch)
        let reference = PNGImage(tensor: try scratch.io().floatTensor("in.style_image"))
        try reference.write(to: scratch.url("ref.png"))
        let result = try scratch.render([
            "grid.png", "--style-image", "ref.png", "--write-style-code", "z.json", "-o", "out.png",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let model = try scratch.model()
        let mu = try StyleEncoder(model: model)(reference.tensor).mu
        #expect(try StyleCodeFile.read(scratch.url("z.json").path, zDim: 16).values == mu.data)
        #expect(
            try differingBytes(
                scratch.picture("out.png").pixels,
                enginePicture(model: model, labels: grid.labels, style: StyleCode(values: mu.data))) == 0)
    }

    @Test func presetNamedInTheModelsConfig() throws {
        let scratch = try Scratch()
        let grid = try writeGrid(scratch)
        var bytes = try ModelBytes(contentsOf: scratch.url(scratch.modelFile))
        let preset = (0 ..< 16).map { Float($0) / 8 - 1 }
        bytes.config["style_presets"] = ["dusk": preset.map(Double.init)]
        try bytes.write(to: scratch.url("preset.safetensors"))
        let result = try scratch.run([
            "render", "grid.png", "--model", "preset.safetensors", "--style", "dusk", "-o", "out.png",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("style: preset dusk"))
        let model = try ModelFile(contentsOf: scratch.url("preset.safetensors"))
        #expect(
            try differingBytes(
                scratch.picture("out.png").pixels,
                enginePicture(model: model, labels: grid.labels, style: StyleCode(values: preset))) == 0)
    }

    @Test func noICPERendersWithoutTheDistanceMap() throws {
        let scratch = try Scratch()
        let grid = try writeGrid(scratch)
        let result = try scratch.render([
            "grid.png", "--instances", "grid_inst.png", "--style", "3", "--no-icpe", "-o", "out.png",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let model = try scratch.model()
        let style = StyleCode.random(seed: 3, count: 16)
        let without = try enginePicture(
            model: model, labels: grid.labels, instances: grid.instances, icpe: false, style: style)
        let with = try enginePicture(model: model, labels: grid.labels, instances: grid.instances, style: style)
        #expect(try differingBytes(scratch.picture("out.png").pixels, without) == 0)
        #expect(differingBytes(without, with) > 0)
    }

    /// A model without a style encoder draws any multiple of 2^n; the grid is upsampled to the asked size.
    @Test func sizeOptionDrawsAnotherSize() throws {
        let scratch = try Scratch(fixture: "clade_instance")
        let grid = try writeGrid(scratch)
        let result = try scratch.render(["grid.png", "--size", "128x96", "-o", "out.png"])
        #expect(result.status == 0, "\(result.stderr)")
        let picture = try scratch.picture("out.png")
        #expect(picture.width == 128 && picture.height == 96)
        #expect(
            differingBytes(
                picture.pixels,
                try enginePicture(model: scratch.model(), labels: grid.labels, width: 128, height: 96, style: nil)) == 0
        )
    }

    /// A model with a style encoder draws its size divided by a power of two that divides the head map (the
    /// painter's draft scale), the same rule as the engine's and the PyTorch twin's.
    @Test func sizeOptionDrawsAStyleModelsReducedSize() throws {
        let scratch = try Scratch()
        let grid = try writeGrid(scratch)
        let result = try scratch.render(["grid.png", "--size", "32x32", "--style", "4", "-o", "out.png"])
        #expect(result.status == 0, "\(result.stderr)")
        let picture = try scratch.picture("out.png")
        #expect(picture.width == 32 && picture.height == 32)
        let expected = try enginePicture(
            model: scratch.model(), labels: grid.labels, width: 32, height: 32, style: .random(seed: 4, count: 16))
        #expect(differingBytes(picture.pixels, expected) == 0)
    }

    @Test func paletteOptionReadsRGBMasksInItsColours() throws {
        let scratch = try Scratch()
        let grid = try writeGrid(scratch)
        let colours = Palette(
            name: "other", entries: (0 ..< 6).map { .init(color: RGBColor(UInt8(10 * $0), 0, 99), name: "c\($0)") })
        try scratch.write(Scratch.gpl(colours), to: "other.gpl")
        let rgb = grid.labels.classes.flatMap { label -> [UInt8] in [colours.entries[Int(label)].color.red, 0, 99] }
        try PNGImage(width: grid.labels.width, height: grid.labels.height, pixels: rgb).write(
            to: scratch.url("rgb.png"))
        let result = try scratch.render(["rgb.png", "--palette", "other.gpl", "--style", "5", "-o", "out.png"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            try differingBytes(
                scratch.picture("out.png").pixels,
                enginePicture(model: scratch.model(), labels: grid.labels, style: .random(seed: 5, count: 16))) == 0)
    }
}

/// `clade-paint render --session`: a painting saved by the painter, drawn again from its JSON.
@Suite struct RenderSessionTests {
    /// The fixture's grid saved as the painter saves it: mask, instances and a session JSON (hand-written here, to
    /// pin the format of docs and `SessionRecord`).
    func writeSession(_ scratch: Scratch, style: String = "\"style_seed\": 42", icpe: Bool = false, width: Int = 64)
        throws
    {
        let io = try scratch.io()
        try scratch.writeMask(try scratch.labelMap("in.grid_labels", io: io), to: "p-001.mask.png")
        try scratch.writeInstances(try scratch.instanceMap("in.grid_instances", io: io), to: "p-001.instances.png")
        try scratch.write(
            """
            {"format": "clade-paint session", "version": 1, "model": "\(scratch.url(scratch.modelFile).path)",
             "image": "p-001.png", "mask": "p-001.mask.png", "instances": "p-001.instances.png",
             "width": \(width), "height": 64, "grid_width": 8, "grid_height": 8, "icpe": \(icpe), \(style)}
            """, to: "p-001.json")
    }

    @Test func aSessionRendersAsTheSameOptionsGivenOneByOne() throws {
        let scratch = try Scratch()
        try writeSession(scratch)
        let session = try scratch.run(["render", "--session", "p-001.json", "--threads", "1"])
        #expect(session.status == 0, "\(session.stderr)")
        #expect(session.stdout.contains("style: seed 42, ICPE off"))
        #expect(session.stdout.contains("p-001.json -> p-001.render.png: 64x64 (grid 8x8 upsampled)"))
        let options = try scratch.render([
            "p-001.mask.png", "--instances", "p-001.instances.png", "--style", "42", "--no-icpe", "-o", "options.png",
        ])
        #expect(options.status == 0, "\(options.stderr)")
        #expect(try scratch.picture("p-001.render.png") == scratch.picture("options.png"))
    }

    /// What the painter saves (w) and what `render --session` draws from the saved JSON are the same file, byte for
    /// byte, for a grid painted with two objects, ICPE on and a seeded style.
    @Test func aSessionRendersThePictureThePainterSaved() throws {
        let scratch = try Scratch()
        let model = try PaintModel(
            file: scratch.model(), path: scratch.url(scratch.modelFile).path, palette: Scratch.palette)
        let state = PainterState(model: model, grid: (16, 8), style: .seed(1234))
        state.selectClass(2)
        state.selectTool(.rectangle)
        for (from, to) in [((1, 1), (5, 6)), ((6, 2), (9, 7))] {
            state.newObject()
            state.setCursor(x: from.0, y: from.1)
            state.press()
            state.drag(to: to.0, y: to.1)
            state.release()
        }
        let files = try PaintDocument(state).save(to: scratch.folder, name: "painted")
        let result = try scratch.run([
            "render", "--session", files.session.lastPathComponent, "--threads", "1", "-o", "again.png",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try scratch.picture("again.png") == PNGImage.read(files.image))
        #expect(try Data(contentsOf: scratch.url("again.png")) == Data(contentsOf: files.image))
    }

    @Test func theModelNamedInTheSessionIsUsedUnlessOneIsGiven() throws {
        let scratch = try Scratch()
        try writeSession(
            scratch, style: "\"style_code\": [\((0 ..< 16).map { _ in "0.25" }.joined(separator: ", "))]", icpe: true)
        let named = try scratch.run(["render", "--session", "p-001.json", "--threads", "1", "-o", "named.png"])
        #expect(named.status == 0, "\(named.stderr)")
        let given = try scratch.render(["--session", "p-001.json", "-o", "given.png"])
        #expect(given.status == 0, "\(given.stderr)")
        #expect(try scratch.picture("named.png") == scratch.picture("given.png"))
    }

    @Test func problemsNameTheFile() throws {
        let scratch = try Scratch()
        try writeSession(scratch)
        let mixed = try scratch.render(["--session", "p-001.json", "--style", "3"])
        #expect(
            mixed.status != 0
                && mixed.stderr.contains(
                    "--session brings its own mask, instances, style, ICPE, size and upsampling; drop --style.")
        )
        let missing = try scratch.render(["--session", "nothing.json"])
        #expect(missing.errorLines == ["clade-paint: error: nothing.json: no such session file"])
        let overInput = try scratch.render(["--session", "p-001.json", "-o", "p-001.mask.png"])
        #expect(overInput.errorLines == ["clade-paint: error: p-001.mask.png: the output would replace an input file"])
        try scratch.write("{\"format\": \"something else\"}", to: "other.json")
        let other = try scratch.render(["--session", "other.json"])
        #expect(
            other.status == 1 && other.errorLines.count == 1
                && other.stderr.hasPrefix("clade-paint: error: other.json: "))
        try FileManager.default.removeItem(at: scratch.url("p-001.instances.png"))
        let noInstances = try scratch.render(["--session", "p-001.json"])
        #expect(noInstances.status == 1 && noInstances.stderr.contains("p-001.instances.png"))
        #expect(try scratch.fileNames().filter { $0.hasSuffix(".render.png") }.isEmpty)
    }
}
