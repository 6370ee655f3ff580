import CLADE
import Foundation
import ImageFiles
import Painter

/// Resource errors (scripts/resource.sh sets the folders up: a full or read-only file system, a vanishing model).
enum Resources {
    /// Paints `--edits` actions, lets the autosave write, then saves into `--out`; prints what each step said.
    static func saveOnce(_ options: Options) throws {
        let fixture = try Fixture(options: options)
        let outFolder = try options.url("out"), stateFolder = try options.url("state")
        let autosave = Autosave(folder: stateFolder, delay: 0.01)
        let state = PainterState(model: fixture.model, autosave: autosave, seedSource: Fixture.countingSeeds())
        var script = EditScript(seed: UInt64(try options.int("seed", default: 1)))
        for _ in 0 ..< (try options.int("edits", default: 40)) { _ = script.step(state) }
        autosave.schedule(state.autosaveRecord)
        autosave.flush()
        print(autosave.lastError().map { "autosave failed: \($0)" } ?? "autosave written")
        do {
            let files = try state.save(to: outFolder)
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

    /// Loads the model at `--model`, then truncates and deletes the file, and renders through the worker.
    static func modelGone(_ options: Options) throws {
        let fixture = try Fixture(options: options)
        let path = try options.url("model").path
        guard truncate(path, 0) == 0, unlink(path) == 0 else { throw DriverError("cannot truncate and delete \(path)") }
        let renderer = RenderController(model: fixture.model, previewURL: nil)
        let state = PainterState(model: fixture.model, renderer: renderer, seedSource: Fixture.countingSeeds())
        var script = EditScript(seed: 3)
        for _ in 0 ..< 20 { _ = script.step(state) }
        state.requestRender()
        renderer.wait()
        guard case .done = renderer.latest() else { throw DriverError("render after the model file vanished: \(renderer.latest())") }
        print("model file truncated and deleted after loading; rendering goes on (the weights were read into memory at load)")
    }
}
