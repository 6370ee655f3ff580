import CLADE
import Foundation
import ImageFiles
import PaintTUI
import Painter

/// Thousands of rapid edits, style changes, ICPE toggles and terminal resizes (the TUI's layout and drawing,
/// without a terminal) while the worker renders; then checks that the newest preview is a fresh render of the
/// final canvas, that the autosave holds it, and that the resident set stayed bounded.
enum Stress {
    static func run(_ options: Options) throws {
        let fixture = try Fixture(options: options)
        let edits = try options.int("edits", default: 5000)
        let seed = UInt64(try options.int("seed", default: 1))
        let folder = try options.url("out")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let model = fixture.model
        let renderer = RenderController(model: model, previewURL: folder.appendingPathComponent("preview.png"))
        let autosave = Autosave(folder: folder.appendingPathComponent("state"), delay: 0.01)
        let state = PainterState(
            model: model, renderer: renderer, autosave: autosave, seedSource: Fixture.countingSeeds())
        let session = PaintSession(state: state, outputFolder: folder)
        let terminalSizes = [(80, 24), (132, 43), (40, 12), (200, 60), (20, 6), (100, 30)]
        var script = fixture.script(seed: seed)
        var samples: [Int] = []
        var draws = 0
        let clock = ContinuousClock()
        let start = clock.now
        state.requestRender()
        for index in 0 ..< edits {
            script.playEpisode(on: session)
            if index % 5 == 0 {
                let (width, height) = terminalSizes[(index / 5) % terminalSizes.count]
                session.resize(width: width, height: height)
                let picture = renderer.latestResult().map { HalfBlockPicture($0.image, width: 24, height: 12) }
                _ = PaintView.draw(
                    session, width: width, height: height, render: renderer.latest(), picture: picture, colors: .direct)
                draws += 1
            }
            // Now and then the person pauses long enough for a render to finish.
            if index % 25 == 0 { usleep(3000) }
            if index % 200 == 0 { samples.append(residentKiB()) }
        }
        renderer.wait()
        samples.append(residentKiB())
        let elapsed = clock.now - start

        guard let result = renderer.latestResult() else { throw DriverError("no picture was ever rendered") }
        guard result.request == state.renderRequest else {
            throw DriverError("the newest preview is not of the final state")
        }
        let fresh = try model.render(state.renderRequest)
        guard fresh == result.image else {
            throw DriverError("the newest preview differs from a fresh render of the final canvas")
        }
        guard let onDisk = try? PNGImage.read(folder.appendingPathComponent("preview.png")), onDisk == result.image
        else {
            throw DriverError("preview.png is not the newest preview")
        }
        autosave.flush()
        guard let saved = try? AutosaveRecord.read(autosave.url), saved.canvas == state.canvas else {
            throw DriverError("the autosave does not hold the final canvas")
        }
        // Leak check: the second half of the run may not need much more memory than the first half did.
        let half = samples.count / 2
        let early = samples[1 ... max(1, half)].max()!
        let late = samples[half...].max()!
        let counts = renderer.counts()
        print("stress: \(edits) edits, \(draws) screen draws at 6 terminal sizes in \(elapsed)")
        print(
            "stress: renders \(counts.rendered) finished, \(counts.abandoned) abandoned, \(counts.skipped) skipped, \(counts.failed) failed"
        )
        print(
            "stress: RSS KiB at start \(samples[0]), after warm-up \(samples[1]), first half max \(early), second half max \(late), end \(samples.last!) (\(samples.count) samples)"
        )
        print("stress: final preview equals a fresh render of the final canvas; autosave holds the final canvas")
        guard counts.failed == 0 else { throw DriverError("\(counts.failed) renders failed") }
        guard late <= early + early / 4 + 8192 else { throw DriverError("RSS grew from \(early) KiB to \(late) KiB") }
    }
}
