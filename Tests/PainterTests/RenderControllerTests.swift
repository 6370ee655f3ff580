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
        return RenderRequest(
            labels: canvas.labels, instances: canvas.instances, style: style, icpe: true, width: 64, height: 64)
    }

    /// Holds the worker after stage `stage` (the first by default) of render `generation` (its draft or its
    /// full-size pass) until `release` is signalled.
    final class Gate: Sendable {
        let generation: UInt64
        let isDraft: Bool
        let stage: String
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        init(generation: UInt64, isDraft: Bool = false, stage: String = "fc") {
            self.generation = generation
            self.isDraft = isDraft
            self.stage = stage
        }

        func observe(_ generation: UInt64, _ isDraft: Bool, _ stage: String) {
            if generation == self.generation && isDraft == self.isDraft && stage == self.stage {
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
        let result = try #require(finished(controller))
        #expect(result.generation == generation && result.request == request(tree: 2))
        #expect(result.milliseconds > 0 && controller.previewFile?.url == preview)
        // `wait()` covers the preview file's own worker: the file holds the published picture.
        #expect(try PNGImage.read(preview) == result.image)
        #expect(result.image == (try model.render(request(tree: 2))))
        #expect(controller.latestResult() == result)
        #expect(controller.counts().rendered == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["preview.png"])
    }

    @Test func aPreviewThatCannotBeWrittenStillShowsThePicture() throws {
        let folder = try PainterFixtures.temporaryFolder().appendingPathComponent("gone")
        let preview = folder.appendingPathComponent("preview.png")
        let controller = RenderController(model: model, previewURL: preview)
        controller.submit(request(tree: 2))
        controller.wait()
        let result = try #require(finished(controller))
        #expect(result.image == (try model.render(request(tree: 2))))
        #expect(controller.counts().failed == 0)
        #expect(
            controller.previewFile?.problem()?.hasPrefix("the preview picture is not written: \(preview.path): ")
                == true)
        // Once the folder is there, the next picture is written and the problem is gone.
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        controller.submit(request(tree: 3))
        controller.wait()
        #expect(controller.previewFile?.problem() == nil)
        #expect(try PNGImage.read(preview) == (try model.render(request(tree: 3))))
    }

    @Test func theNewestRequestWins() throws {
        let gate = Gate(generation: 1)
        let controller = RenderController(
            model: model, previewURL: nil, draftPolicy: .never, stageObserver: gate.observe)
        controller.submit(request(tree: 0))
        gate.entered.wait()
        // The worker is busy inside render 1; submitting does not wait for it.
        let generations = (1 ... 4).map { controller.submit(request(tree: $0)) }
        #expect(generations == [2, 3, 4, 5])
        #expect(controller.latest() == .queued)
        gate.release.signal()
        controller.wait()
        let result = try #require(finished(controller))
        #expect(result.generation == 5 && result.request == request(tree: 4))
        #expect(controller.counts() == RenderCounts(rendered: 1, abandoned: 1, skipped: 3))
    }

    /// Holds request 1 at `gate`, submits request 2, lets request 1 go on and waits for both. Returns the
    /// controller and what was shown (the picture and the status) when request 2's first stage ended.
    func overtake(at gate: Gate, policy: DraftPolicy, preview: URL) throws -> (
        controller: RenderController, seen: (result: RenderResult?, status: RenderStatus)
    ) {
        let shownWhenTheNewerStarts = Mutex<(result: RenderResult?, status: RenderStatus)?>(nil)
        let box = Mutex<RenderController?>(nil)
        let controller = RenderController(model: model, previewURL: preview, draftPolicy: policy) {
            generation, isDraft, stage in
            gate.observe(generation, isDraft, stage)
            if generation == 2, stage == "fc", let controller = box.withLock({ $0 }) {
                let seen = (controller.latestResult(), controller.latest())
                shownWhenTheNewerStarts.withLock { $0 = $0 ?? seen }
            }
        }
        box.withLock { $0 = controller }
        controller.submit(request(tree: 0))
        gate.entered.wait()
        controller.submit(request(tree: 1))
        gate.release.signal()
        controller.wait()
        box.withLock { $0 = nil }
        return (controller, try #require(shownWhenTheNewerStarts.withLock { $0 }))
    }

    /// The generator's stages in order: the head, every block, the output conv.
    var stageNames: [String] { ["fc"] + model.config.blocks.map(\.name) + ["conv_img"] }

    /// A newer request that comes when the full-size pass has only its last stages left lets it finish: its picture
    /// is shown (and written), the status stays the newer request's, and the newer request is drawn after it. One
    /// stage earlier the pass is abandoned.
    @Test(arguments: [true, false])
    func aFullSizePassInItsLastStagesFinishes(lastStages: Bool) throws {
        let folder = try PainterFixtures.temporaryFolder()
        let preview = folder.appendingPathComponent("p.png")
        let held = stageNames.count - RenderController.finishingStages - (lastStages ? 1 : 2)
        let (controller, seen) = try overtake(
            at: Gate(generation: 1, stage: stageNames[held]), policy: .never, preview: preview)
        if lastStages {
            let stale = try #require(seen.result)
            #expect(!stale.isDraft && stale.generation == 1 && stale.request == request(tree: 0))
            #expect(stale.image == (try model.render(request(tree: 0))))
            #expect(seen.status == .rendering(progress: 1 / Double(model.stageCount)))
            #expect(controller.counts() == RenderCounts(rendered: 2))
        } else {
            #expect(seen.result == nil)
            #expect(controller.counts() == RenderCounts(rendered: 1, abandoned: 1))
        }
        let result = try #require(finished(controller))
        #expect(result.generation == 2 && result.request == request(tree: 1))
        #expect(try PNGImage.read(preview) == result.image)
    }

    @Test func cancelStopsTheRunningRender() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let gate = Gate(generation: 1)
        let controller = RenderController(
            model: model, previewURL: folder.appendingPathComponent("p.png"), draftPolicy: .never,
            stageObserver: gate.observe)
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
        let controller = RenderController(
            model: model, previewURL: nil, draftPolicy: .never, stageObserver: gate.observe)
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

    /// The finished picture when the controller's status is `.done`.
    func finished(_ controller: RenderController) -> RenderResult? {
        if case .done(let result) = controller.latest() { return result }
        Issue.record("expected done, got \(controller.latest())")
        return nil
    }

    /// The status after each generator stage of one request, read by the stage observer.
    func statusAfterEachStage(_ policy: DraftPolicy) -> [RenderStatus] {
        let seen = Mutex<[RenderStatus]>([])
        let box = Mutex<RenderController?>(nil)
        let controller = RenderController(model: model, previewURL: nil, draftPolicy: policy) { _, _, _ in
            if let controller = box.withLock({ $0 }) {
                let status = controller.latest()
                seen.withLock { $0.append(status) }
            }
        }
        box.withLock { $0 = controller }
        controller.submit(request(tree: 3))
        controller.wait()
        box.withLock { $0 = nil }
        return seen.withLock { $0 }
    }

    @Test func progressRisesStageByStageToOne() throws {
        let stages = Double(model.stageCount)
        let expected = (1 ... model.stageCount).map { RenderStatus.rendering(progress: Double($0) / stages) }
        #expect(statusAfterEachStage(.never) == expected)
    }

    @Test func draftFirstThenTheFinalPicture() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let preview = folder.appendingPathComponent("preview.png")
        let gate = Gate(generation: 1, isDraft: false)
        let passes = Mutex<[Bool]>([])
        let controller = RenderController(model: model, previewURL: preview) { generation, isDraft, stage in
            passes.withLock { $0.append(isDraft) }
            gate.observe(generation, isDraft, stage)
        }
        #expect(controller.draftPolicy == .always)
        controller.submit(request(tree: 2))
        gate.entered.wait()
        // The full-size pass is held in its first stage: the draft is the shown picture and the preview file.
        controller.previewFile?.wait()
        let draft = try #require(controller.latestResult())
        #expect(draft.isDraft && draft.generation == 1 && draft.request == request(tree: 2))
        #expect(draft.image == (try model.renderDraft(request(tree: 2))))
        #expect(draft.image.width == 64 && draft.image.height == 64)
        #expect(try PNGImage.read(preview) == draft.image)
        #expect(controller.latest() == .refining(draft: draft, progress: 1 / Double(model.stageCount)))
        gate.release.signal()
        controller.wait()
        let final = try #require(finished(controller))
        #expect(!final.isDraft && final.generation == 1 && final.milliseconds >= draft.milliseconds)
        #expect(final.image == (try model.render(request(tree: 2))))
        #expect(try PNGImage.read(preview) == final.image)
        #expect(controller.latestResult() == final)
        #expect(
            passes.withLock { $0 } == Array(repeating: true, count: model.stageCount)
                + Array(repeating: false, count: model.stageCount))
        #expect(controller.counts() == RenderCounts(rendered: 1, drafts: 1))
    }

    @Test func draftingProgressThenRefining() throws {
        let seen = statusAfterEachStage(.always)
        let stages = Double(model.stageCount)
        let draft = try #require(
            seen.last.flatMap { status -> RenderResult? in
                if case .refining(let draft, _) = status { return draft }
                return nil
            })
        let expected =
            (1 ... model.stageCount).map { RenderStatus.drafting(progress: Double($0) / stages) }
            + (1 ... model.stageCount).map { RenderStatus.refining(draft: draft, progress: Double($0) / stages) }
        #expect(seen == expected)
    }

    @Test func aDraftInProgressIsShownThenTheNewerRequestWins() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let preview = folder.appendingPathComponent("p.png")
        let (controller, seen) = try overtake(
            at: Gate(generation: 1, isDraft: true), policy: .always, preview: preview)
        // Request 1's draft ran to its end and was shown (and written) although request 2 had come; its full-size
        // pass was dropped, and the status stayed request 2's.
        let staleDraft = try #require(seen.result)
        #expect(staleDraft.isDraft && staleDraft.generation == 1 && staleDraft.request == request(tree: 0))
        #expect(staleDraft.image == (try model.renderDraft(request(tree: 0))))
        #expect(seen.status == .drafting(progress: 1 / Double(model.stageCount)))
        let result = try #require(finished(controller))
        #expect(result.generation == 2 && !result.isDraft && result.request == request(tree: 1))
        #expect(try PNGImage.read(preview) == result.image)
        #expect(controller.counts() == RenderCounts(rendered: 1, drafts: 2, abandoned: 1))
    }

    @Test func cancelStopsTheRunningDraft() throws {
        let gate = Gate(generation: 1, isDraft: true)
        let controller = RenderController(
            model: model, previewURL: nil, draftPolicy: .always, stageObserver: gate.observe)
        controller.submit(request(tree: 0))
        gate.entered.wait()
        controller.cancel()
        gate.release.signal()
        controller.wait()
        #expect(controller.latest() == .idle && controller.latestResult() == nil)
        #expect(controller.counts() == RenderCounts(abandoned: 1))
    }

    @Test func aNewerRequestDuringTheRefinementWins() throws {
        let first = Gate(generation: 1, isDraft: false)
        let second = Gate(generation: 2, isDraft: false)
        let controller = RenderController(model: model, previewURL: nil, draftPolicy: .always) {
            generation, isDraft, stage in
            first.observe(generation, isDraft, stage)
            second.observe(generation, isDraft, stage)
        }
        controller.submit(request(tree: 0))
        first.entered.wait()
        let draft = try #require(controller.latestResult())
        #expect(draft.isDraft && draft.generation == 1)
        controller.submit(request(tree: 1))
        #expect(controller.latest() == .queued)
        first.release.signal()
        second.entered.wait()
        // Request 1's full-size pass was dropped; request 2's draft replaced request 1's.
        let newer = try #require(controller.latestResult())
        #expect(newer.isDraft && newer.generation == 2 && newer.request == request(tree: 1))
        second.release.signal()
        controller.wait()
        #expect(controller.latestResult()?.generation == 2 && controller.latestResult()?.isDraft == false)
        #expect(controller.counts() == RenderCounts(rendered: 1, drafts: 2, abandoned: 1))
    }

    @Test func sizesWithoutADraftRenderOnce() throws {
        // The plain fixture draws multiples of 32: a 96x32 picture has no 48x16 draft.
        let plain = try PainterFixtures.model(PainterFixtures.plain)
        let passes = Mutex<[Bool]>([])
        let controller = RenderController(model: plain, previewURL: nil, draftPolicy: .always) { _, isDraft, _ in
            passes.withLock { $0.append(isDraft) }
        }
        var canvas = Canvas.scene(width: 12, height: 4, classes: plain.config.classNames)
        canvas[5, 2] = Cell(label: 4)
        let wide = RenderRequest(
            labels: canvas.labels, instances: canvas.instances, style: .none, icpe: false, width: 96, height: 32)
        controller.submit(wide)
        controller.wait()
        let result = try #require(finished(controller))
        #expect(try !result.isDraft && result.image == plain.render(wide))
        #expect(passes.withLock { $0 } == Array(repeating: false, count: plain.stageCount))
        #expect(controller.counts().drafts == 0 && controller.counts().rendered == 1)
    }

    @Test func draftsOffRenderOnlyTheFullSize() throws {
        let passes = Mutex<[Bool]>([])
        let controller = RenderController(model: model, previewURL: nil, draftPolicy: .never) { _, isDraft, _ in
            passes.withLock { $0.append(isDraft) }
        }
        controller.submit(request(tree: 1))
        controller.wait()
        #expect(controller.latestResult()?.isDraft == false)
        #expect(passes.withLock { $0 } == Array(repeating: false, count: model.stageCount))
        #expect(controller.counts().drafts == 0)
    }

    /// A request that finds the worker idle goes straight to full size; one that comes while an older request
    /// renders (a stroke) is drafted first.
    @Test func whileBusyDraftsOnlyRequestsThatComeDuringARender() throws {
        let gate = Gate(generation: 1, isDraft: false)
        let passes = Mutex<[(generation: UInt64, isDraft: Bool)]>([])
        let controller = RenderController(model: model, previewURL: nil, draftPolicy: .whileBusy) {
            generation, isDraft, stage in
            if stage == "fc" { passes.withLock { $0.append((generation, isDraft)) } }
            gate.observe(generation, isDraft, stage)
        }
        controller.submit(request(tree: 0))
        gate.entered.wait()
        controller.submit(request(tree: 1))
        gate.release.signal()
        controller.wait()
        #expect(passes.withLock { $0.map { "\($0.generation) \($0.isDraft)" } } == ["1 false", "2 true", "2 false"])
        // Idle again: the next request is not drafted.
        controller.submit(request(tree: 2))
        controller.wait()
        #expect(passes.withLock { $0.last.map { "\($0.generation) \($0.isDraft)" } } == "3 false")
        #expect(controller.latestResult()?.isDraft == false && controller.latestResult()?.generation == 3)
    }

    @Test func draftPolicies() {
        #expect(DraftPolicy.always.drafts(workerBusy: false) && DraftPolicy.always.drafts(workerBusy: true))
        #expect(!DraftPolicy.whileBusy.drafts(workerBusy: false) && DraftPolicy.whileBusy.drafts(workerBusy: true))
        #expect(!DraftPolicy.never.drafts(workerBusy: false) && !DraftPolicy.never.drafts(workerBusy: true))
        #expect(DraftPolicy(rawValue: "while-busy") == .whileBusy)
    }

    @Test func badInputFails() {
        let controller = RenderController(model: model, previewURL: nil)
        controller.submit(request(tree: 0, style: .preset("missing")))
        controller.wait()
        #expect(controller.latest() == .failed("no style preset 'missing' in this model (it has none)"))
        #expect(controller.counts().failed == 1 && controller.latestResult() == nil)
    }
}
