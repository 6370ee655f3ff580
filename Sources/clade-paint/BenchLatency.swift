import ArgumentParser
import CLADE
import Foundation
import PaintTUI
import Painter

extension Bench {
    /// `bench latency`: a scripted, seeded painting session replayed through `PaintSession` (the painter's key
    /// handling, as the terminal drives it) against a `PainterState` with its `RenderController` and `Autosave`.
    /// It times each action on the calling thread (the UI thread) and each action's way to its first preview (a
    /// small draft or the final picture) and to its final, full-size preview.
    struct LatencyTiming: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "latency",
            abstract:
                "Time a scripted painting session: action to first and to final preview, UI-thread time per action, render times.",
            discussion: """
                Replays a seeded session (strokes, key-repeat bursts, fills, class changes, one ICPE toggle, one \
                style change) through the painter's own key handling at a human pace, with the painter's small \
                drafts under one policy (--drafts, as `paint`); --compare plays the same script under every policy, one \
                after the other. Prints one JSON object per action, then a summary per mode: action-to-first-preview and \
                action-to-final-preview latency (median, p95, max; actions whose own render was superseded by a newer \
                one), the time the UI thread spends on each action (against the 20 ms limit), render times and the \
                load average. --compare ends with a table of the three.
                """)

        @OptionGroup var modelOptions: ModelOptions
        @OptionGroup var paletteOption: PaletteOption

        @Option(name: .long, help: ArgumentHelp("Scripted actions.", valueName: "n"))
        var actions = 120

        @Option(
            name: .customLong("interval-ms"),
            help: ArgumentHelp(
                "Mean pause between actions at the human pace (bursts go at key-repeat pace).", valueName: "ms"))
        var intervalMs = 150.0

        @Option(
            name: .long, help: ArgumentHelp("Seed of the script (and of the random styles it draws).", valueName: "s"))
        var seed: UInt64 = 1

        @Option(name: .long, help: ArgumentHelp("OpenBLAS threads. Default: the number of processors.", valueName: "n"))
        var threads: Int?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Keep the preview PNG here (default: a temporary folder, removed afterwards).", valueName: "file"))
        var preview: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "When to draw a small draft first (as paint --drafts): always, while-busy or never.",
                valueName: "policy"))
        var drafts: DraftPolicy = .always

        @Flag(name: .long, help: "Play the script under every draft policy and end with a table of them.")
        var compare = false

        /// The UI thread's budget per action while rendering.
        static let uiLimitMs = 20.0

        func validate() throws {
            guard actions >= 1 else { throw ValidationError("--actions must be at least 1.") }
            guard intervalMs > 0 else { throw ValidationError("--interval-ms must be positive.") }
            try ThreadCount.validate(threads)
        }

        func run() throws {
            let threadCount = BLASThreads.configure(threads ?? ProcessInfo.processInfo.activeProcessorCount)
            let (file, modelPath) = try modelOptions.loadModel()
            let model = try paletteOption.paintModel(consume file, modelPath: modelPath)
            let summaries = try (compare ? DraftPolicy.allCases : [drafts]).map { policy in
                try session(model: model, modelPath: modelPath, threadCount: threadCount, policy: policy)
            }
            if compare {
                for line in LatencySummary.comparison(summaries) { print(line) }
            }
        }

        /// Plays the script once with a fresh painter and renderer; emits its actions and summary, returns the summary.
        private func session(model: PaintModel, modelPath: String, threadCount: Int, policy: DraftPolicy) throws
            -> LatencySummary
        {
            let stateFolder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "clade-paint-latency-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: stateFolder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: stateFolder) }
            let previewURL =
                preview.map { URL(fileURLWithPath: $0) } ?? stateFolder.appendingPathComponent("preview.png")

            let loadAtStart = LatencySummary.loadAverage()
            let renderer = RenderController(model: model, previewURL: previewURL, draftPolicy: policy)
            let autosave = Autosave(folder: stateFolder)
            var styleSeeds = SplitMix64(seed: seed ^ 0x5EED)
            let state = PainterState(
                model: model, renderer: renderer, autosave: autosave, seedSource: { styleSeeds.next() })
            var script = ScriptedSession(seed: seed, classCount: model.config.classCount, intervalMs: intervalMs)

            let run = try LatencyReplay(
                session: PaintSession(state: state, outputFolder: stateFolder), renderer: renderer
            )
            .play(script.steps(actions))
            renderer.wait()  // the last picture into the preview file too
            autosave.clear()

            for var action in run.actions {
                action.mode = policy.rawValue
                Bench.emit(action)
            }
            let changed = run.actions.filter { $0.generation != nil }
            let busy = run.actions.filter(\.renderRunning).map(\.handleMs)
            let draftSize =
                policy == .never ? nil : model.draftSize(width: state.pictureWidth, height: state.pictureHeight)
            let summary = LatencySummary(
                mode: policy.rawValue, model: modelPath, threads: threadCount, seed: seed, actions: actions,
                intervalMs: intervalMs,
                picture: "\(state.pictureWidth)x\(state.pictureHeight)",
                draft: draftSize.map { "\($0.width)x\($0.height)" } ?? "none",
                grid: "\(state.canvas.gridWidth)x\(state.canvas.gridHeight)",
                actionToFirstPreviewMs: .init(changed.compactMap(\.firstPreviewMs)),
                actionToFinalPreviewMs: .init(changed.compactMap(\.finalPreviewMs)),
                firstPreviewWasDraft: changed.filter { $0.firstWasDraft == true }.count,
                superseded: changed.filter { $0.superseded == true }.count,
                uiMsWhileRendering: .init(busy), uiMsAll: .init(run.actions.map(\.handleMs)),
                uiLimitMs: Self.uiLimitMs, uiWithinLimit: (busy.max() ?? 0) <= Self.uiLimitMs,
                draftRenderMs: .init(run.draftMs), finalRenderMs: .init(run.finalMs), firstRenderMs: run.firstRenderMs,
                renders: renderer.counts(), loadAverage: .init(start: loadAtStart, end: LatencySummary.loadAverage()),
                preview: preview == nil ? nil : previewURL.path)
            Bench.emit(summary)
            return summary
        }
    }
}
