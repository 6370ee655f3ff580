import ArgumentParser
import Foundation
import PaintTUI
import Painter

/// What one scripted action cost and when its pictures came (one JSON object of `bench latency`).
struct ActionTiming: Codable {
    let action: Int
    let command: String
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
    /// The draft policy the session ran under.
    var mode: String?
}

/// Plays scripted steps on the calling thread, polling the renderer every millisecond between actions (the terminal
/// app polls every 40 ms; finer polling measures when the picture was ready, not when a frame would show it).
struct LatencyReplay {
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

    func play(_ steps: [ScriptedSession.Step]) throws -> Outcome {
        session.state.requestRender()
        renderer.wait()
        guard let first = renderer.latestResult(), !first.isDraft else { throw Self.renderFailure(renderer) }
        guard first.generation == renderer.newestGeneration() else { throw Self.countMismatch }

        var arrivals: [Arrival] = []
        var seen = (generation: first.generation, isDraft: false)
        var draftMs: [Double] = []
        var finalMs: [Double] = []
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
        for (index, step) in steps.enumerated() {
            due = due.advanced(by: .microseconds(Int64(step.delayMs * 1000)))
            while clock.now < due {
                poll()
                Thread.sleep(forTimeInterval: 0.001)
            }
            let running =
                switch renderer.latest() {
                case .queued, .drafting, .refining, .rendering: true
                default: false
                }
            let generation = renderer.newestGeneration()
            let before = clock.now
            session.perform(step.command)
            let after = clock.now
            actionInstants.append(before)
            timings.append(
                ActionTiming(
                    action: index, command: "\(step.command)", atMs: Bench.milliseconds(before - start),
                    handleMs: Bench.milliseconds(after - before), renderRunning: running,
                    generation: renderer.newestGeneration() == generation ? nil : renderer.newestGeneration()))
        }

        let last = renderer.newestGeneration()
        let deadline = clock.now.advanced(by: .seconds(600))
        while seen != (last, false) {
            if case .failed = renderer.latest() { throw Self.renderFailure(renderer) }
            guard seen.generation <= last else { throw Self.countMismatch }
            guard clock.now < deadline else {
                throw ValidationError("the session's last picture did not come within 600 s")
            }
            poll()
            Thread.sleep(forTimeInterval: 0.001)
        }
        guard renderer.latestResult()?.request == session.state.renderRequest else { throw Self.countMismatch }

        for index in timings.indices {
            guard let generation = timings[index].generation else { continue }
            guard let firstArrival = arrivals.first(where: { $0.generation >= generation }),
                let finalArrival = arrivals.first(where: { $0.generation >= generation && !$0.isDraft })
            else { throw Self.countMismatch }
            timings[index].firstPreviewMs = Bench.milliseconds(firstArrival.at - actionInstants[index])
            timings[index].firstWasDraft = firstArrival.isDraft
            timings[index].finalPreviewMs = Bench.milliseconds(finalArrival.at - actionInstants[index])
            timings[index].superseded = finalArrival.generation != generation
        }
        return Outcome(actions: timings, draftMs: draftMs, finalMs: finalMs, firstRenderMs: first.milliseconds)
    }

    private static let countMismatch = ValidationError(
        "internal: the pictures that came differ from the requests the actions submitted; the latency figures would be wrong"
    )

    private static func renderFailure(_ renderer: RenderController) -> Error {
        if case .failed(let message) = renderer.latest() { return ValidationError("a render failed: \(message)") }
        return ValidationError("the first render did not finish")
    }
}
