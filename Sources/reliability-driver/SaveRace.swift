import Foundation
import ImageFiles
import PaintTUI
import Painter

/// Two (or more) painters on one state folder and one output folder, saving as fast as they can
/// (scripts/stress.sh starts them side by side): no save may overwrite or mix with another, and no painter's
/// autosave may be touched by the other.
enum SaveRace {
    static let editsPerSave = 3
    static let editsAfter = 7

    /// `--seed S --state DIR --out DIR --log FILE --saves N`: paints, saves N times, paints a little more, and leaves
    /// the last strokes in its autosave (as a painter whose terminal closed).
    static func paint(_ options: Options) throws {
        let fixture = try Fixture(options: options)
        let seed = UInt64(try options.int("seed", default: 1))
        let saves = try options.int("saves", default: 30)
        let stateFolder = try options.url("state")
        let outFolder = try options.url("out")
        let log = try options.url("log")
        try FileManager.default.createDirectory(at: outFolder, withIntermediateDirectories: true)
        let renderer = RenderController(
            model: fixture.model, previewURL: stateFolder.appendingPathComponent("preview.png"))
        let autosave = Autosave(folder: stateFolder, delay: 0.001)
        if let problem = autosave.lastError() { throw DriverError(problem) }
        let state = PainterState(
            model: fixture.model, renderer: renderer, autosave: autosave, seedSource: Fixture.countingSeeds())
        let session = PaintSession(state: state, outputFolder: outFolder)
        var script = fixture.script(seed: seed)
        var lines = ["autosave \(autosave.url.lastPathComponent)"]
        for _ in 0 ..< saves {
            for _ in 0 ..< editsPerSave { script.playEpisode(on: session) }
            lines.append("saved \(try session.document.save(to: outFolder).session.lastPathComponent)")
        }
        for _ in 0 ..< editsAfter { script.playEpisode(on: session) }
        autosave.schedule(state.autosaveRecord)
        autosave.flush()
        if let problem = autosave.lastError() { throw DriverError(problem) }
        renderer.cancel()
        renderer.wait()
        autosave.close()
        try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: log)
    }

    /// `--seeds a,b --logs la,lb --state DIR --out DIR`: every save is there, whole and consistent, each holding the
    /// canvas its painter saved; each painter's autosave holds its own last canvas, and a starting painter finds both.
    static func check(_ options: Options) throws {
        let fixture = try Fixture(options: options)
        let model = fixture.model
        let seeds = (options["seeds"] ?? "").split(separator: ",").compactMap { UInt64($0) }
        let logs = (options["logs"] ?? "").split(separator: ",").map { URL(fileURLWithPath: String($0)) }
        guard !seeds.isEmpty, seeds.count == logs.count else {
            throw DriverError("give --seeds and --logs, one of each per painter")
        }
        let stateFolder = try options.url("state")
        let outFolder = try options.url("out")
        let sets = try SavedSets(folder: outFolder, model: model)
        var expected = 0
        for (seed, log) in zip(seeds, logs) {
            let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
            let saved = lines.filter { $0.hasPrefix("saved ") }.map { String($0.dropFirst("saved ".count)) }
            let autosaveName =
                try lines.first { $0.hasPrefix("autosave ") }.map { String($0.dropFirst("autosave ".count)) }
                ?? { throw DriverError("\(log.path) names no autosave") }()
            // Replay the script: the canvas of each save, then the last one.
            let replay = fixture.replayPainter()
            var script = fixture.script(seed: seed)
            for name in saved {
                for _ in 0 ..< editsPerSave { script.playEpisode(on: replay) }
                guard let canvas = sets.complete[name] else {
                    throw DriverError("seed \(seed): its save \(name) is missing or incomplete")
                }
                guard canvas == replay.state.canvas else {
                    throw DriverError("seed \(seed): \(name) holds another painting than the one it saved")
                }
            }
            for _ in 0 ..< editsAfter { script.playEpisode(on: replay) }
            let record = try AutosaveRecord.read(stateFolder.appendingPathComponent(autosaveName))
            guard record.canvas == replay.state.canvas else {
                throw DriverError("seed \(seed): \(autosaveName) does not hold this painter's last canvas")
            }
            expected += saved.count
        }
        guard sets.complete.count == expected, sets.unfinished.isEmpty, sets.temporary == 0 else {
            throw DriverError(
                "\(sets.complete.count) complete saves (expected \(expected)), \(sets.unfinished.count) unfinished, \(sets.temporary) temporary files"
            )
        }
        let orphans = OrphanedAutosaves.find(in: stateFolder)
        orphans.newest?.release()
        guard (orphans.newest == nil ? 0 : 1) + orphans.waiting == seeds.count else {
            throw DriverError(
                "a starting painter finds \((orphans.newest == nil ? 0 : 1) + orphans.waiting) autosaves; \(seeds.count) painters left one each"
            )
        }
        print(
            "save-race: \(expected) saves by \(seeds.count) painters into one folder, each whole and holding its own painting; "
                + "\(seeds.count) autosaves in one state folder, each holding its own painter's last canvas")
    }
}
