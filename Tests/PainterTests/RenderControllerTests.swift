import CLADE
import Dispatch
import Foundation
import ImageFiles
import Synchronization
import Testing
@testable import Painter

@Suite struct RenderControllerTests {
    let model = try! PainterFixtures.model()

    /// A request for an 8x8 grid with one tree painted at `x` (so requests differ), rendered at 64x64.
    func request(tree x: Int, style: StyleSelection = .seed(1)) -> RenderRequest {
        var canvas = Canvas.scene(width: 8, height: 8, classes: model.config.classNames)
        canvas[x, 4] = Cell(label: 4)
        return RenderRequest(labels: canvas.labels, instances: canvas.instances, style: style, icpe: true, width: 64, height: 64)
    }

    /// Holds the worker inside the first stage of render `generation` until `release` is signalled.
    final class Gate: Sendable {
        let generation: UInt64
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        init(generation: UInt64) { self.generation = generation }

        func observe(_ generation: UInt64, _ stage: String) {
            if generation == self.generation && stage == "fc" {
                entered.signal()
                release.wait()
            }
        }
    }

    @Test func rendersAndWritesThePreview() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let preview = folder.appendingPathComponent("preview.png")
        let controller = RenderController(model: model, previewURL: preview)
        #expect(controller.latest() == .idle)
        let generation = controller.submit(request(tree: 2))
        controller.wait()
        guard case .done(let result) = controller.latest() else {
            Issue.record("expected done, got \(controller.latest())")
            return
        }
        #expect(result.generation == generation && result.request == request(tree: 2))
        #expect(result.milliseconds > 0 && result.previewURL == preview)
        #expect(try PNGImage.read(preview) == result.image)
        #expect(result.image == (try model.render(request(tree: 2))))
        #expect(controller.latestResult() == result)
        #expect(controller.counts().rendered == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["preview.png"])
    }

    @Test func theNewestRequestWins() throws {
        let gate = Gate(generation: 1)
        let controller = RenderController(model: model, previewURL: nil, stageObserver: gate.observe)
        controller.submit(request(tree: 0))
        gate.entered.wait()
        // The worker is busy inside render 1; submitting does not wait for it.
        let generations = (1 ... 4).map { controller.submit(request(tree: $0)) }
        #expect(generations == [2, 3, 4, 5])
        #expect(controller.latest() == .queued)
        gate.release.signal()
        controller.wait()
        guard case .done(let result) = controller.latest() else {
            Issue.record("expected done, got \(controller.latest())")
            return
        }
        #expect(result.generation == 5 && result.request == request(tree: 4))
        var expected = RenderCounts()
        expected.rendered = 1
        expected.abandoned = 1
        expected.skipped = 3
        #expect(controller.counts() == expected)
    }

    @Test func cancelStopsTheRunningRender() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let gate = Gate(generation: 1)
        let controller = RenderController(model: model, previewURL: folder.appendingPathComponent("p.png"), stageObserver: gate.observe)
        controller.submit(request(tree: 0))
        gate.entered.wait()
        controller.cancel()
        #expect(controller.latest() == .idle)
        gate.release.signal()
        controller.wait()
        #expect(controller.latest() == .idle && controller.latestResult() == nil)
        #expect(controller.counts().abandoned == 1 && controller.counts().rendered == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func theLastPictureStaysWhileANewOneRenders() throws {
        let gate = Gate(generation: 2)
        let controller = RenderController(model: model, previewURL: nil, stageObserver: gate.observe)
        controller.submit(request(tree: 0))
        controller.wait()
        let first = try #require(controller.latestResult())
        controller.submit(request(tree: 1))
        gate.entered.wait()
        #expect(controller.latest() == .rendering(progress: 1 / Double(model.stageCount)))
        #expect(controller.latestResult() == first)
        gate.release.signal()
        controller.wait()
        #expect(controller.latestResult()?.generation == 2)
    }

    @Test func progressRisesStageByStageToOne() throws {
        let seen = Mutex<[RenderStatus]>([])
        let box = Mutex<RenderController?>(nil)
        let controller = RenderController(model: model, previewURL: nil) { _, _ in
            if let controller = box.withLock({ $0 }) {
                let status = controller.latest()
                seen.withLock { $0.append(status) }
            }
        }
        box.withLock { $0 = controller }
        controller.submit(request(tree: 3))
        controller.wait()
        let stages = Double(model.stageCount)
        let expected = (1 ... model.stageCount).map { RenderStatus.rendering(progress: Double($0) / stages) }
        #expect(seen.withLock { $0 } == expected)
        box.withLock { $0 = nil }
    }

    @Test func badInputFails() {
        let controller = RenderController(model: model, previewURL: nil)
        controller.submit(request(tree: 0, style: .preset("missing")))
        controller.wait()
        #expect(controller.latest() == .failed("no style preset 'missing' in this model (it has none)"))
        #expect(controller.counts().failed == 1 && controller.latestResult() == nil)
    }
}
