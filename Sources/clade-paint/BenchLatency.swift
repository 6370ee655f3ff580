import ArgumentParser
import CLADE
import Foundation
import PaintTUI
import Painter

extension Bench {
    /// `bench latency`: a scripted, seeded painting session replayed through `PaintSession` (the painter's key
    /// handling, as the terminal drives it) against a `PainterState` with its `RenderController` and `Autosave`.
    /// It times each action on the calling thread (the UI thread) and each action's way to its first preview (a
    /// half-size draft or the final picture) and to its final, full-size preview.
    struct LatencyTiming: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "latency",
            abstract: "Time a scripted painting session: action to first and to final preview, UI-thread time per action, render times.",
            discussion: """
                Replays a seeded session (strokes, key-repeat bursts, fills, class changes, one ICPE toggle, one \
                style change) through the painter's own key handling at a human pace, with the painter's half-size \
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

        @Option(name: .customLong("interval-ms"), help: ArgumentHelp("Mean pause between actions at the human pace (bursts go at key-repeat pace).", valueName: "ms"))
        var intervalMs = 150.0

        @Option(name: .long, help: ArgumentHelp("Seed of the script (and of the random styles it draws).", valueName: "s"))
        var seed: UInt64 = 1

        @Option(name: .long, help: ArgumentHelp("OpenBLAS threads. Default: the number of processors.", valueName: "n"))
        var threads: Int?

        @Option(name: .long, help: ArgumentHelp("Keep the preview PNG here (default: a temporary folder, removed afterwards).", valueName: "file"))
        var preview: String?

        @Option(name: .long, help: ArgumentHelp("When to draft at half size first (as paint --drafts): always, while-busy or never.", valueName: "policy"))
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
            let palette = try paletteOption.loadPalette(for: file, modelPath: modelPath)
            let model = try FileProblem.attributing(to: palette.path) { try PaintModel(file: file, path: modelPath, palette: palette.palette) }
            let summaries = try (compare ? DraftPolicy.allCases : [drafts]).map { policy in
                try session(model: model, modelPath: modelPath, threadCount: threadCount, policy: policy)
            }
            if compare {
                for line in Self.comparison(summaries) { print(line) }
            }
        }

        /// Plays the script once with a fresh painter and renderer; emits its actions and summary, returns the summary.
        private func session(model: PaintModel, modelPath: String, threadCount: Int, policy: DraftPolicy) throws -> [String: Any] {
            let stateFolder = FileManager.default.temporaryDirectory.appendingPathComponent("clade-paint-latency-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: stateFolder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: stateFolder) }
            let previewURL = preview.map { URL(fileURLWithPath: $0) } ?? stateFolder.appendingPathComponent("preview.png")

            let loadAtStart = Self.loadAverage()
            let renderer = RenderController(model: model, previewURL: previewURL, draftPolicy: policy)
            let autosave = Autosave(folder: stateFolder)
            var styleSeeds = SplitMix64(seed: seed ^ 0x5EED)
            let state = PainterState(model: model, renderer: renderer, autosave: autosave, seedSource: { styleSeeds.next() })
            let session = PaintSession(state: state, outputFolder: stateFolder)
            let script = Script(actions: actions, intervalMs: intervalMs, seed: seed, classCount: model.config.classCount)

            let run = try Replay(session: session, renderer: renderer).play(script)
            renderer.wait()  // the last picture into the preview file too
            autosave.clear()

            let mode = policy.rawValue
            for action in run.actions {
                var object = action.json
                object["mode"] = mode
                Bench.emit(object)
            }
            let changed = run.actions.filter { $0.generation != nil }
            let busy = run.actions.filter(\.renderRunning).map(\.handleMs)
            let counts = renderer.counts()
            let draftSize = policy == .never ? nil : model.draftSize(width: state.pictureWidth, height: state.pictureHeight)
            var summary: [String: Any] = [
                "summary": "latency", "mode": mode, "model": modelPath, "threads": threadCount, "seed": seed,
                "actions": actions, "interval_ms": intervalMs, "picture": "\(state.pictureWidth)x\(state.pictureHeight)",
                "draft": draftSize.map { "\($0.width)x\($0.height)" } ?? "none",
                "grid": "\(state.canvas.gridWidth)x\(state.canvas.gridHeight)",
                "action_to_first_preview_ms": Self.statistics(changed.compactMap(\.firstPreviewMs)),
                "action_to_final_preview_ms": Self.statistics(changed.compactMap(\.finalPreviewMs)),
                "first_preview_was_draft": changed.filter { $0.firstWasDraft == true }.count,
                "superseded": changed.filter { $0.superseded == true }.count,
                "ui_ms_while_rendering": Self.statistics(busy),
                "ui_ms_all": Self.statistics(run.actions.map(\.handleMs)),
                "ui_limit_ms": Self.uiLimitMs, "ui_within_limit": (busy.max() ?? 0) <= Self.uiLimitMs,
                "draft_render_ms": Self.statistics(run.draftMs), "final_render_ms": Self.statistics(run.finalMs),
                "first_render_ms": run.firstRenderMs,
                "renders": ["rendered": counts.rendered, "drafts": counts.drafts, "abandoned": counts.abandoned,
                            "skipped": counts.skipped, "failed": counts.failed],
                "load_average": ["start": loadAtStart, "end": Self.loadAverage()],
            ]
            if preview != nil { summary["preview"] = previewURL.path }
            Bench.emit(summary)
            return summary
        }

        /// A Markdown table of the summaries' main figures, one column per mode.
        static func comparison(_ summaries: [[String: Any]]) -> [String] {
            func figure(_ summary: [String: Any], _ key: String, _ statistic: String) -> String {
                guard let figures = summary[key] as? [String: Any], figures["count"] as? Int != 0,
                      let value = figures[statistic] as? Double else { return "-" }
                return value < 10 ? String(format: "%.3f ms", value) : String(format: "%.0f ms", value)
            }
            let modes = summaries.map { summary -> String in
                let mode = summary["mode"] as? String ?? "?"
                return mode == DraftPolicy.never.rawValue ? "full size only" : "drafts (\(summary["draft"] as? String ?? "none")): \(mode)"
            }
            var lines = ["| figure | " + modes.joined(separator: " | ") + " |", "|---|" + modes.map { _ in "---|" }.joined()]
            let rows: [(String, String, String)] = [
                ("action to first preview, median", "action_to_first_preview_ms", "median"),
                ("action to first preview, p95", "action_to_first_preview_ms", "p95"),
                ("action to first preview, max", "action_to_first_preview_ms", "max"),
                ("action to final preview, median", "action_to_final_preview_ms", "median"),
                ("action to final preview, p95", "action_to_final_preview_ms", "p95"),
                ("action to final preview, max", "action_to_final_preview_ms", "max"),
                ("UI thread while rendering, median", "ui_ms_while_rendering", "median"),
                ("UI thread while rendering, max", "ui_ms_while_rendering", "max"),
                ("draft render, median", "draft_render_ms", "median"),
                ("final render, median", "final_render_ms", "median"),
            ]
            for (name, key, statistic) in rows {
                lines.append("| \(name) | " + summaries.map { figure($0, key, statistic) }.joined(separator: " | ") + " |")
            }
            lines.append("| UI thread within \(Int(uiLimitMs)) ms while rendering (the issue's limit) | "
                + summaries.map { $0["ui_within_limit"] as? Bool == true ? "met" : "MISSED" }.joined(separator: " | ") + " |")
            func count(_ summary: [String: Any], _ key: String) -> String {
                (summary["renders"] as? [String: Any])?[key].map { "\($0)" } ?? "-"
            }
            lines.append("| renders: final / drafts / abandoned | "
                + summaries.map { "\(count($0, "rendered")) / \(count($0, "drafts")) / \(count($0, "abandoned"))" }.joined(separator: " | ") + " |")
            lines.append("| load average, start -> end | " + summaries.map { summary in
                let load = summary["load_average"] as? [String: Any]
                let start = (load?["start"] as? [Double])?.first, end = (load?["end"] as? [Double])?.first
                return "\(start.map { String(format: "%.2f", $0) } ?? "-") -> \(end.map { String(format: "%.2f", $0) } ?? "-")"
            }.joined(separator: " | ") + " |")
            return lines
        }

        /// Median, 95th percentile (nearest rank), max and count; zeros for no values.
        static func statistics(_ values: [Double]) -> [String: Any] {
            guard !values.isEmpty else { return ["count": 0, "median": 0.0, "p95": 0.0, "max": 0.0] }
            let sorted = values.sorted()
            let rank = Int((0.95 * Double(sorted.count)).rounded(.up)) - 1
            return ["count": values.count, "median": Bench.median(values), "p95": sorted[rank], "max": sorted.last!]
        }

        /// The 1, 5 and 15 minute load averages of `/proc/loadavg` (empty where it cannot be read).
        static func loadAverage() -> [Double] {
            let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
            return text.split(separator: " ").prefix(3).compactMap { Double($0) }
        }
    }
}

extension Bench.LatencyTiming {
    /// One scripted key command and the pause before it.
    struct Step {
        let command: Command
        let delayMs: Double
    }

    /// A seeded painting session: episodes of a person at work, cut to `actions` steps.
    ///
    /// Episodes: a stroke (pick a class, pen down, 2-9 moves in one direction, pen up; half of them as key-repeat
    /// bursts), cursor travel with the pen up, a fill (fill tool, apply, brush back), a brush size change, an undo.
    /// The ICPE toggle comes a third of the way in and the random style two thirds in.
    struct Script {
        let steps: [Step]
        /// The pause between repeated keys in a burst (a typical key-repeat rate of 30 per second).
        static let burstMs = 33.0

        init(actions: Int, intervalMs: Double, seed: UInt64, classCount: Int) {
            var random = SplitMix64(seed: seed)
            func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
            // A person's pauses vary: 0.6 to 1.4 times the mean.
            func paced() -> Double { intervalMs * (0.6 + 0.8 * random.nextUniform()) }
            let directions = [(1, 0), (-1, 0), (0, 1), (0, -1)]
            var steps: [Step] = []
            var icpeDone = false, styleDone = false
            while steps.count < actions {
                if !icpeDone && steps.count >= actions / 3 {
                    icpeDone = true
                    steps.append(Step(command: .toggleICPE, delayMs: paced()))
                    continue
                }
                if !styleDone && steps.count >= 2 * actions / 3 {
                    styleDone = true
                    steps.append(Step(command: .randomStyle, delayMs: paced()))
                    continue
                }
                let episode = random.nextUniform()
                if episode < 0.45 {
                    let (dx, dy) = directions[below(4)]
                    let burst = random.nextUniform() < 0.5
                    steps.append(Step(command: .selectClass(below(classCount)), delayMs: paced()))
                    steps.append(Step(command: .togglePen, delayMs: paced()))
                    for _ in 0 ..< 2 + below(8) {
                        steps.append(Step(command: .move(dx: dx, dy: dy), delayMs: burst ? Self.burstMs : paced()))
                    }
                    steps.append(Step(command: .togglePen, delayMs: paced()))
                } else if episode < 0.65 {
                    let (dx, dy) = directions[below(4)]
                    for _ in 0 ..< 1 + below(6) {
                        steps.append(Step(command: .move(dx: dx, dy: dy), delayMs: Self.burstMs))
                    }
                } else if episode < 0.85 {
                    steps.append(Step(command: .selectClass(below(classCount)), delayMs: paced()))
                    steps.append(Step(command: .tool(.fill), delayMs: paced()))
                    steps.append(Step(command: .apply, delayMs: paced()))
                    steps.append(Step(command: .tool(.brush), delayMs: paced()))
                } else if episode < 0.93 {
                    steps.append(Step(command: random.nextUniform() < 0.5 ? .brushLarger : .brushSmaller, delayMs: paced()))
                } else {
                    steps.append(Step(command: .undo, delayMs: paced()))
                }
            }
            self.steps = Array(steps.prefix(actions))
        }
    }

    /// What one action cost and when its pictures came.
    struct ActionTiming {
        let index: Int
        let command: Command
        /// From the session's start (after the first picture) to the action.
        let atMs: Double
        /// The UI thread's time in `PaintSession.perform` (the painter call and the render submit).
        let handleMs: Double
        /// Whether a render was queued or running when the action came.
        let renderRunning: Bool
        /// The render request the action submitted; nil for an action that changed nothing the picture shows.
        let generation: UInt64?
        /// From the action to the first finished preview (draft or final) of its state or a newer one.
        var firstPreviewMs: Double?
        /// Whether that first preview was a draft.
        var firstWasDraft: Bool?
        /// From the action to the first final (full-size) preview of its state or a newer one.
        var finalPreviewMs: Double?
        /// Whether that final preview came from a newer request (this action's own final render was dropped).
        var superseded: Bool?

        var json: [String: Any] {
            var object: [String: Any] = [
                "action": index, "command": "\(command)", "at_ms": atMs, "handle_ms": handleMs, "render_running": renderRunning,
            ]
            if let generation, let firstPreviewMs, let firstWasDraft, let finalPreviewMs, let superseded {
                object["generation"] = Int(generation)
                object["first_preview_ms"] = firstPreviewMs
                object["first_was_draft"] = firstWasDraft
                object["final_preview_ms"] = finalPreviewMs
                object["superseded"] = superseded
            }
            return object
        }
    }

    /// Plays a script on the calling thread, polling the renderer every millisecond between actions (the terminal
    /// app polls every 40 ms; finer polling measures when the picture was ready, not when a frame would show it).
    struct Replay {
        let session: PaintSession
        let renderer: RenderController
        private let clock = ContinuousClock()

        init(session: PaintSession, renderer: RenderController) {
            self.session = session
            self.renderer = renderer
        }

        struct Outcome {
            var actions: [ActionTiming]
            /// `RenderResult.milliseconds` of every draft finished during the session.
            var draftMs: [Double]
            /// `RenderResult.milliseconds` of every final picture finished during the session (a drafted request's
            /// draft included).
            var finalMs: [Double]
            /// The first (final) picture, before the session (cold caches, first allocations).
            var firstRenderMs: Double
        }

        /// A finished picture as the poll saw it.
        private struct Arrival {
            let generation: UInt64
            let isDraft: Bool
            let at: ContinuousClock.Instant
        }

        func play(_ script: Script) throws -> Outcome {
            let state = session.state
            state.requestRender()
            renderer.wait()
            guard let first = renderer.latestResult(), !first.isDraft else { throw Self.renderFailure(renderer) }
            // PainterState submits once at the start and once per change, so the generation of the request an
            // action submits is its revision plus one. Checked against the last picture below.
            guard first.generation == UInt64(state.revision) + 1 else { throw Self.countMismatch }

            var arrivals: [Arrival] = []
            var seen = (generation: first.generation, isDraft: false)
            var draftMs: [Double] = [], finalMs: [Double] = []
            func poll() {
                guard let result = renderer.latestResult(), (result.generation, result.isDraft) != seen else { return }
                seen = (result.generation, result.isDraft)
                arrivals.append(Arrival(generation: result.generation, isDraft: result.isDraft, at: clock.now))
                if result.isDraft { draftMs.append(result.milliseconds) } else { finalMs.append(result.milliseconds) }
            }

            let start = clock.now
            var due = start
            var timings: [ActionTiming] = []
            var actionInstants: [ContinuousClock.Instant] = []
            for (index, step) in script.steps.enumerated() {
                due = due.advanced(by: .microseconds(Int64(step.delayMs * 1000)))
                while clock.now < due {
                    poll()
                    Thread.sleep(forTimeInterval: 0.001)
                }
                let running = switch renderer.latest() {
                case .queued, .drafting, .refining, .rendering: true
                default: false
                }
                let revision = state.revision
                let before = clock.now
                session.perform(step.command)
                let after = clock.now
                actionInstants.append(before)
                timings.append(ActionTiming(
                    index: index, command: step.command, atMs: Bench.milliseconds(before - start),
                    handleMs: Bench.milliseconds(after - before), renderRunning: running,
                    generation: state.revision == revision ? nil : UInt64(state.revision) + 1))
            }

            let last = UInt64(state.revision) + 1
            let deadline = clock.now.advanced(by: .seconds(600))
            while seen != (last, false) {
                if case .failed = renderer.latest() { throw Self.renderFailure(renderer) }
                guard seen.generation <= last else { throw Self.countMismatch }
                guard clock.now < deadline else { throw ValidationError("the session's last picture did not come within 600 s") }
                poll()
                Thread.sleep(forTimeInterval: 0.001)
            }
            guard renderer.latestResult()?.request == state.renderRequest else { throw Self.countMismatch }

            for index in timings.indices {
                guard let generation = timings[index].generation else { continue }
                guard let firstArrival = arrivals.first(where: { $0.generation >= generation }),
                      let finalArrival = arrivals.first(where: { $0.generation >= generation && !$0.isDraft }) else { throw Self.countMismatch }
                timings[index].firstPreviewMs = Bench.milliseconds(firstArrival.at - actionInstants[index])
                timings[index].firstWasDraft = firstArrival.isDraft
                timings[index].finalPreviewMs = Bench.milliseconds(finalArrival.at - actionInstants[index])
                timings[index].superseded = finalArrival.generation != generation
            }
            return Outcome(actions: timings, draftMs: draftMs, finalMs: finalMs, firstRenderMs: first.milliseconds)
        }

        private static let countMismatch = ValidationError(
            "internal: the render generations differ from the painter's revisions; the latency figures would be wrong")

        private static func renderFailure(_ renderer: RenderController) -> Error {
            if case .failed(let message) = renderer.latest() { return ValidationError("a render failed: \(message)") }
            return ValidationError("the first render did not finish")
        }
    }
}
