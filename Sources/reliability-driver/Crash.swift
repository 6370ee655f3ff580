import CLADE
import Foundation
import ImageFiles
import Painter

/// A painter to be killed at random moments (scripts/crash.sh), and the check that runs after each kill.
///
/// The painter applies `EditScript` actions in batches; after each batch it flushes the autosave and appends
/// `batch <n> <steps>` to the log (one write(2), so a kill leaves whole lines); every few batches it saves and
/// appends `saved <n> <steps>`. The check replays the script and demands: the autosave (or, when a save has cleared
/// it, the newest save) holds a canvas the script reached no earlier than the last logged batch, and every file in
/// the output folder reads back.
enum Crash {
    static let batchSize = 12
    static let saveEvery = 4

    static func paint(_ options: Options) throws {
        let fixture = try Fixture(options: options)
        let seed = UInt64(try options.int("seed", default: 1))
        let stateFolder = try options.url("state"), outFolder = try options.url("out"), log = try options.url("log")
        try FileManager.default.createDirectory(at: outFolder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw DriverError("cannot create \(log.path)") }
        let logFile = try FileHandle(forWritingTo: log)
        let renderer = RenderController(model: fixture.model, previewURL: stateFolder.appendingPathComponent("preview.png"))
        let autosave = Autosave(folder: stateFolder, delay: 0.02)
        let state = PainterState(model: fixture.model, renderer: renderer, autosave: autosave, seedSource: Fixture.countingSeeds())
        var script = EditScript(seed: seed)
        var steps = 0
        for batch in 1... {
            for _ in 0 ..< batchSize {
                _ = script.step(state)
                steps += 1
            }
            autosave.flush()
            if let problem = autosave.lastError() { throw DriverError(problem) }
            try logFile.write(contentsOf: Data("batch \(batch) \(steps)\n".utf8))
            if batch % saveEvery == 0 {
                try state.save(to: outFolder)
                try logFile.write(contentsOf: Data("saved \(batch) \(steps)\n".utf8))
            }
        }
    }

    static func check(_ options: Options) throws {
        let fixture = try Fixture(options: options)
        let model = fixture.model
        let seed = UInt64(try options.int("seed", default: 1))
        let stateFolder = try options.url("state"), outFolder = try options.url("out"), log = try options.url("log")
        let lines = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n")
        let lastBatch = lines.last { $0.hasPrefix("batch ") }.flatMap { Int($0.split(separator: " ")[2]) } ?? 0

        // The canvases the script passes through, up to the end of the batch after the last logged one.
        let replay = PainterState(model: model, seedSource: Fixture.countingSeeds())
        var script = EditScript(seed: seed)
        var canvases = [replay.canvas]
        for _ in 0 ..< lastBatch + batchSize {
            _ = script.step(replay)
            canvases.append(replay.canvas)
        }
        func reached(_ canvas: Canvas) -> Bool { canvases[lastBatch...].contains(canvas) }

        let autosave = Autosave(folder: stateFolder)
        let kept: String
        if let record = try autosave.pending() {
            guard reached(record.canvas) else { throw DriverError("the autosave holds a canvas older than batch step \(lastBatch)") }
            let restored = PainterState(model: model, seedSource: Fixture.countingSeeds())
            try restored.restore(record)
            guard restored.canvas == record.canvas else { throw DriverError("restoring the autosave did not give its canvas") }
            kept = "autosave"
        } else if lastBatch == 0 {
            kept = "nothing yet"
        } else {
            // A save clears the autosave: then the newest save holds the work.
            let sessions = try FileManager.default.contentsOfDirectory(atPath: outFolder.path).filter { $0.hasSuffix(".json") }.sorted()
            guard let newest = sessions.last else { throw DriverError("no autosave and no save after batch step \(lastBatch)") }
            let mask = outFolder.appendingPathComponent(newest.replacingOccurrences(of: ".json", with: ".mask.png"))
            let canvas = try Canvas.read(mask: mask, palette: model.palette, classCount: model.config.classCount)
            guard reached(canvas) else { throw DriverError("no autosave, and the newest save \(newest) is older than batch step \(lastBatch)") }
            kept = "save \(newest)"
        }

        // Every finished output file reads back whole; temporary files of an interrupted write are counted.
        var files = 0, temporary = 0
        // A kill during start-up can come before the output folder exists.
        let outputs = FileManager.default.fileExists(atPath: outFolder.path) ? try FileManager.default.contentsOfDirectory(atPath: outFolder.path) : []
        for name in outputs.sorted() {
            let url = outFolder.appendingPathComponent(name)
            if name.hasPrefix(".") { temporary += 1; continue }
            files += 1
            if name.hasSuffix(".mask.png") {
                _ = try LabelMapFile.read(url, palette: model.palette, classCount: model.config.classCount)
            } else if name.hasSuffix(".instances.png") {
                _ = try InstanceMapFile.read(url)
            } else if name.hasSuffix(".png") {
                _ = try PNGImage.read(url)
            } else if name.hasSuffix(".json") {
                _ = try SessionRecord.read(url)
            } else {
                throw DriverError("unexpected file \(name) in the output folder")
            }
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: stateFolder.path)) ?? [] where name.hasPrefix(".") { temporary += 1 }
        print("check: logged step \(lastBatch), work kept in \(kept), \(files) output files read back, \(temporary) temporary files left")
    }
}
