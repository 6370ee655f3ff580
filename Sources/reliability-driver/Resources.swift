import CLADE
import Foundation
import ImageFiles
import PaintTUI
import Painter

/// Resource errors (scripts/resource.sh sets the folders up: a full or read-only file system, a vanishing model).
enum Resources {
    /// Paints `--edits` actions, lets the autosave write (with `--fill FILE`: then fills the disk through FILE and
    /// autosaves again), then saves into `--out`; prints what each step said.
    static func saveOnce(_ options: Options) throws {
        let fixture = try Fixture(options: options)
        let outFolder = try options.url("out")
        let stateFolder = try options.url("state")
        let autosave = Autosave(folder: stateFolder, delay: 0.01)
        let state = PainterState(model: fixture.model, autosave: autosave, seedSource: Fixture.countingSeeds())
        let session = PaintSession(state: state, outputFolder: outFolder)
        var script = fixture.script(seed: UInt64(try options.int("seed", default: 1)))
        for _ in 0 ..< (try options.int("edits", default: 40)) { script.playEpisode(on: session) }
        autosave.schedule(state.autosaveRecord)
        autosave.flush()
        print(autosave.lastError().map { "autosave failed: \($0)" } ?? "autosave written")
        if let filler = options["fill"] {
            // The disk fills up between two autosaves: the second fails, and the first stays whole.
            let before = try Data(contentsOf: autosave.url)
            try fill(URL(fileURLWithPath: filler))
            for _ in 0 ..< 20 { script.playEpisode(on: session) }
            autosave.schedule(state.autosaveRecord)
            autosave.flush()
            print(autosave.lastError().map { "autosave failed: \($0)" } ?? "autosave written")
            print("previous autosave intact: \((try? Data(contentsOf: autosave.url)) == before)")
        }
        do {
            let files = try PaintDocument(state).save(to: outFolder)
            print("saved \(files.image.lastPathComponent)")
        } catch {
            print("save failed: \(error)")
        }
        print("unsaved changes kept: \(state.isDirty)")
        if let kept = try? AutosaveRecord.read(autosave.url) {
            print("autosave holds the canvas: \(kept.canvas == state.canvas)")
        } else {
            print("autosave holds nothing")
        }
    }

    /// Writes zeros to `url` until its file system is full.
    static func fill(_ url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw DriverError("cannot create \(url.path)")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let block = Data(count: 4096)
        while (try? handle.write(contentsOf: block)) != nil {}
    }

    /// The painter as the terminal drives it on a `--state` and `--out` that cannot be written: it starts, paints and
    /// renders, and says once what it cannot write; prints what it said.
    static func unwritablePaint(_ options: Options) throws {
        let fixture = try Fixture(options: options)
        let stateFolder = try options.url("state")
        let outFolder = try options.url("out")
        let renderer = RenderController(
            model: fixture.model, previewURL: stateFolder.appendingPathComponent("preview.png"))
        let autosave = Autosave(folder: stateFolder, delay: 0.01)
        let state = PainterState(
            model: fixture.model, renderer: renderer, autosave: autosave, seedSource: Fixture.countingSeeds())
        let session = PaintSession(
            state: state, outputFolder: outFolder, orphans: OrphanedAutosaves.find(in: stateFolder))
        print("start: \(state.statusMessage ?? "")")
        var said = 0
        for key in "3 l l 4 j " {
            session.handle(.key(.character(key)))
            renderer.wait()
            autosave.flush()
            if session.noticeWriteProblems() {
                said += 1
                print("said: \(state.statusMessage ?? "")")
            }
        }
        guard case .done = renderer.latest() else {
            throw DriverError("the last render did not finish: \(renderer.latest())")
        }
        print("renders finished: \(renderer.counts().rendered), failed: \(renderer.counts().failed)")
        print("write problems said after the start: \(said)")
        session.handle(.key(.character("w")))
        print("w: \(state.statusMessage ?? "")")
    }

    /// Loads the model at `--model`, then truncates and deletes the file, and renders through the worker.
    static func modelGone(_ options: Options) throws {
        let fixture = try Fixture(options: options)
        let path = try options.url("model").path
        guard truncate(path, 0) == 0, unlink(path) == 0 else { throw DriverError("cannot truncate and delete \(path)") }
        let renderer = RenderController(model: fixture.model, previewURL: nil)
        let state = PainterState(model: fixture.model, renderer: renderer, seedSource: Fixture.countingSeeds())
        var script = fixture.script(seed: 3)
        let session = PaintSession(state: state, outputFolder: FileManager.default.temporaryDirectory)
        for _ in 0 ..< 20 { script.playEpisode(on: session) }
        state.requestRender()
        renderer.wait()
        guard case .done = renderer.latest() else {
            throw DriverError("render after the model file vanished: \(renderer.latest())")
        }
        print(
            "model file truncated and deleted after loading; rendering goes on (the weights were read into memory at load)"
        )
    }
}
