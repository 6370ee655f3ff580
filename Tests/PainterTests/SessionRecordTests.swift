import CLADE
import Foundation
import ImageFiles
import Testing

@testable import Painter

@Suite struct SessionRecordTests {
    /// A painting with two touching trees (two objects), water and a path, ICPE off or on.
    func paint(_ state: PainterState, icpe: Bool) {
        state.selectClass(4)
        state.selectTool(.rectangle)
        state.newObject()
        state.setCursor(x: 2, y: 4)
        state.press()
        state.drag(to: 4, y: 11)
        state.release()
        state.newObject()
        state.setCursor(x: 5, y: 5)
        state.press()
        state.drag(to: 7, y: 11)
        state.release()
        state.selectClass(5)
        state.selectTool(.brush)
        state.setBrushSize(3)
        state.setCursor(x: 9, y: 13)
        state.press()
        state.drag(to: 15, y: 14)
        state.release()
        if state.icpe != icpe { state.toggleICPE() }
    }

    /// Renders a saved painting from its files with the engine alone (no Painter code), as `clade-paint render`
    /// would, and returns the PNG bytes.
    func reproduce(_ files: SavedFiles, model: ModelFile, palette: Palette) throws -> Data {
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: files.session)) as? [String: Any])
        let config = model.config
        let labels = try LabelMapFile.read(files.mask, palette: palette, classCount: config.classCount)
        let instances = try InstanceMapFile.read(files.instances)
        let width = try #require(json["width"] as? Int)
        let height = try #require(json["height"] as? Int)
        let method = (json["upsampling"] as? String).flatMap(LabelUpsampling.Method.init(rawValue:)) ?? .classVote
        let (big, bigInstances) = LabelUpsampling.upsample(
            labels: labels, instances: instances, width: width, height: height, method: method)
        let style: StyleCode?
        if let seed = json["style_seed"] as? UInt64 {
            style = StyleCode.random(seed: seed, count: config.zDim)
        } else if let code = json["style_code"] as? [Double] {
            style = StyleCode(values: code.map(Float.init))
        } else {
            style = nil
        }
        let icpe = try #require(json["icpe"] as? Bool)
        let input = GeneratorInput(
            labels: big, edges: EdgeMap.compute(labels: big, instances: bigInstances),
            distances: icpe ? DistanceMap.compute(labels: big, instances: bigInstances, ignoredClass: nil) : nil,
            style: style)
        let out = try PainterFixtures.temporaryFolder().appendingPathComponent("again.png")
        try PNGImage(tensor: Generator(model: model)(input)).write(to: out)
        return try Data(contentsOf: out)
    }

    @Test(arguments: [true, false])
    func savedPaintingsRenderAgainBitForBit(icpe: Bool) throws {
        let model = try PainterFixtures.model()
        let renderer = RenderController(model: model, previewURL: nil)
        let state = PainterState(
            model: model, grid: (16, 16), renderer: renderer, seedSource: PainterFixtures.countingSeeds())
        paint(state, icpe: icpe)
        renderer.wait()
        // The saved picture is the worker's finished render of this very state.
        #expect(renderer.latestResult()?.request == state.renderRequest)
        let folder = try PainterFixtures.temporaryFolder()
        let files = try PaintDocument(state).save(to: folder)
        #expect(
            try Data(contentsOf: files.image)
                == reproduce(files, model: PainterFixtures.modelFile(), palette: model.palette))

        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: files.session)) as? [String: Any])
        #expect(json["style_seed"] as? Int == 100 && json["icpe"] as? Bool == icpe)
        #expect(json["grid_width"] as? Int == 16 && json["width"] as? Int == 64)
        #expect(json["model"] as? String == PainterFixtures.modelURL(PainterFixtures.styled).standardizedFileURL.path)
        #expect(
            json["mask"] as? String == "painting-001.mask.png"
                && json["instances"] as? String == "painting-001.instances.png")
    }

    @Test func anEncodedStyleRendersAgainBitForBit() throws {
        let model = try PainterFixtures.model()
        let state = PainterState(model: model, grid: (16, 16), seedSource: PainterFixtures.countingSeeds())
        paint(state, icpe: true)
        let folder = try PainterFixtures.temporaryFolder()
        let reference = folder.appendingPathComponent("reference.png")
        try PNGImage(width: 16, height: 16, pixels: (0 ..< 768).map { UInt8(($0 * 91) % 256) }).write(to: reference)
        try state.setStyleFromImage(reference)
        // No renderer: the picture is drawn by save itself.
        let files = try PaintDocument(state).save(to: folder, name: "coded")
        #expect(
            try Data(contentsOf: files.image)
                == reproduce(files, model: PainterFixtures.modelFile(), palette: model.palette))
        let record = try SessionRecord.read(files.session)
        #expect(record.style == state.style)
        #expect(record.styleSource == "reference.png")
    }

    @Test func theRecordGivesBackTheRequest() throws {
        let model = try PainterFixtures.model(presets: ["dusk": Array(repeating: 0.25, count: 16)])
        let state = PainterState(model: model, grid: (16, 8), seedSource: PainterFixtures.countingSeeds())
        paint(state, icpe: false)
        state.selectPreset("dusk")
        let files = try PaintDocument(state).save(to: try PainterFixtures.temporaryFolder())
        let record = try SessionRecord.read(files.session)
        #expect(record.stylePreset == "dusk" && record.styleSeed == nil && record.styleCode == nil)
        let request = try record.renderRequest(recordURL: files.session, palette: model.palette, config: model.config)
        #expect(request == state.renderRequest)
        #expect(try model.render(request) == PNGImage.read(files.image))
    }

    @Test func badRecordsAreRefusedWithTheFileNamed() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let url = folder.appendingPathComponent("bad.json")
        let good = """
            {"format": "clade-paint session", "version": 1, "model": "m", "image": "a.png", "mask": "a.mask.png",
             "instances": "a.instances.png", "width": 64, "height": 64, "grid_width": 8, "grid_height": 8, "icpe": true
            """
        let cases: [(String, String)] = [
            (good + "}", ""),
            (good + #", "style_seed": 1, "style_preset": "x"}"#, "give at most one of"),
            (
                good.replacingOccurrences(of: #""version": 1"#, with: #""version": 2"#) + "}",
                "bad.json: \"version\" is 2"
            ),
            (good.replacingOccurrences(of: #""grid_width": 8"#, with: #""grid_width": 80"#) + "}", "the grid 80x8"),
            (
                good.replacingOccurrences(of: #""mask": "a.mask.png""#, with: #""mask": "../a.png""#) + "}",
                "must be a plain name"
            ),
            (good.replacingOccurrences(of: #", "icpe": true"#, with: "") + "}", "the key \"icpe\" is missing"),
            ("[1]", "not a clade-paint session file"),
            // Numbers that do not fit their key were reported as "not valid JSON".
            (good + #", "style_seed": -1}"#, "'style_seed': -1 is out of range for this key"),
            (
                good.replacingOccurrences(of: #""width": 64"#, with: #""width": 64.5"#) + "}",
                "'width': 64.5 is not a whole number"
            ),
        ]
        for (text, problem) in cases {
            try Data(text.utf8).write(to: url)
            if problem.isEmpty {
                #expect(try SessionRecord.read(url).style == StyleSelection.none)
            } else {
                let error = #expect(throws: PainterError.self) { try SessionRecord.read(url) }
                #expect(error?.file == url.relativePath)
                #expect(error?.description.contains(problem) == true, "\(error?.description ?? "") lacks \(problem)")
            }
        }
    }
}
