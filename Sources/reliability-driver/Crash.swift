import CLADE
import Foundation
import ImageFiles
import PaintTUI
import Painter

/// A painter to be killed at random moments (scripts/crash.sh), and the check that runs after each kill; one painter
/// alone, or two on one state folder and one output folder.
///
/// A painter logs `autosave <file>` once its autosave file is claimed, plays `ScriptedSession` episodes in batches,
/// and after each batch flushes the autosave and appends `batch <n> <episodes>` to its log (one write(2), so a kill
/// leaves whole lines); every few batches it saves and appends `saved <n> <episodes>`. The check replays each painter's script
/// and demands: its autosave file (or, when a save has cleared it, one of the saves) holds a canvas the script reached
/// no earlier than the last logged batch, and a starting painter is offered it; every save in the output folder is
/// whole and consistent, an interrupted one recognisable (`SavedSets`).
enum Crash {
    static let batchSize = 12
    static let saveEvery = 4

    static func paint(_ options: Options) throws {
        let fixture = try Fixture(options: options)
        let seed = UInt64(try options.int("seed", default: 1))
        let stateFolder = try options.url("state")
        let outFolder = try options.url("out")
        let log = try options.url("log")
        try FileManager.default.createDirectory(at: outFolder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw DriverError("cannot create \(log.path)")
        }
        let logFile = try FileHandle(forWritingTo: log)
        let renderer = RenderController(
            model: fixture.model, previewURL: stateFolder.appendingPathComponent("preview.png"))
        let autosave = Autosave(folder: stateFolder, delay: 0.02)
        if let problem = autosave.lastError() { throw DriverError(problem) }
        try logFile.write(contentsOf: Data("autosave \(autosave.url.lastPathComponent)\n".utf8))
        let state = PainterState(
            model: fixture.model, renderer: renderer, autosave: autosave, seedSource: Fixture.countingSeeds())
        let session = PaintSession(state: state, outputFolder: outFolder)
        var script = fixture.script(seed: seed)
        var steps = 0
        for batch in 1... {
            for _ in 0 ..< batchSize {
                script.playEpisode(on: session)
                steps += 1
            }
            autosave.flush()
            if let problem = autosave.lastError() { throw DriverError(problem) }
            try logFile.write(contentsOf: Data("batch \(batch) \(steps)\n".utf8))
            if batch % saveEvery == 0 {
                try PaintDocument(state).save(to: outFolder)
                try logFile.write(contentsOf: Data("saved \(batch) \(steps)\n".utf8))
            }
        }
    }

    /// `--seeds a[,b] --logs la[,lb]`: the painters that ran on `--state` and `--out`.
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

        var reports: [String] = []
        var autosaves = 0
        for (seed, log) in zip(seeds, logs) {
            let lines = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n")
            let lastBatch = lines.last { $0.hasPrefix("batch ") }.flatMap { Int($0.split(separator: " ")[2]) } ?? 0
            let autosaveName = lines.first { $0.hasPrefix("autosave ") }.map { String($0.dropFirst("autosave ".count)) }

            // The canvases the script passes through, up to the end of the batch after the last logged one.
            let replay = fixture.replayPainter()
            var script = fixture.script(seed: seed)
            var canvases = [replay.state.canvas]
            for _ in 0 ..< lastBatch + batchSize {
                script.playEpisode(on: replay)
                canvases.append(replay.state.canvas)
            }
            func reached(_ canvas: Canvas) -> Bool { canvases[lastBatch...].contains(canvas) }

            let kept: String
            if let autosaveName, case let url = stateFolder.appendingPathComponent(autosaveName),
                FileManager.default.fileExists(atPath: url.path)
            {
                let record = try AutosaveRecord.read(url)
                guard reached(record.canvas) else {
                    throw DriverError("seed \(seed): \(autosaveName) holds a canvas older than batch step \(lastBatch)")
                }
                let restored = PainterState(model: model, seedSource: Fixture.countingSeeds())
                try PaintDocument(restored).restore(record)
                guard restored.canvas == record.canvas else {
                    throw DriverError("seed \(seed): restoring \(autosaveName) did not give its canvas")
                }
                autosaves += 1
                kept = "work kept in autosave"
            } else if lastBatch == 0 {
                kept = "nothing logged yet"
            } else if reached(canvases[0]) {
                // The actions so far changed nothing that is autosaved (cursor, tools, brush sizes): nothing to keep.
                kept = "nothing painted yet"
            } else {
                // A save clears the autosave: then a save holds the work.
                guard let save = sets.complete.first(where: { reached($0.value) })?.key else {
                    throw DriverError("seed \(seed): no autosave, and no save holds batch step \(lastBatch) or later")
                }
                kept = "work kept in save \(save)"
            }
            reports.append("seed \(seed): logged step \(lastBatch), \(kept)")
        }

        // The painters are dead: a painter starting now finds every autosave they left, and takes one.
        let orphans = OrphanedAutosaves.find(in: stateFolder)
        let found = (orphans.newest == nil ? 0 : 1) + orphans.waiting
        orphans.newest?.release()
        guard found == autosaves, orphans.problems.isEmpty else {
            throw DriverError(
                "a starting painter finds \(found) autosaves (\(orphans.problems.joined(separator: "; "))); the painters left \(autosaves)"
            )
        }
        var temporary = sets.temporary
        for name in (try? FileManager.default.contentsOfDirectory(atPath: stateFolder.path)) ?? []
        where name.hasPrefix(".") { temporary += 1 }
        print(
            "check: " + reports.joined(separator: "; ")
                + "; \(sets.complete.count) saves consistent, \(sets.unfinished.count) interrupted, \(temporary) temporary files left"
        )
    }
}
