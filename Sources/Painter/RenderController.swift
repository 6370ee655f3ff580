import Dispatch
import Foundation
import ImageFiles
import Synchronization

/// Renders pictures on one background worker so the caller never waits: the newest request wins.
///
/// `submit` returns at once. The worker (a serial DispatchQueue, not a Swift concurrency Task: BLAS work would
/// block the cooperative pool) takes only the newest waiting request; a full-size render in progress is abandoned
/// at the generator's next checkpoint (before each block and twice inside it) as soon as a newer request is
/// submitted (an atomic generation number), unless it is in its last `finishingStages`: then it runs to its end and
/// its picture is shown (the status stays the newer request's), and the newer request starts after it. With `drafts`
/// on, each request is drawn twice: first a small draft (`PaintModel.draftSize`, `renderDraft`), published as the
/// preview, then, unless a newer request came meanwhile, the full-size picture, published in its place. A draft in
/// progress is finished and shown even when a newer request came meanwhile (only `cancel` stops it): it costs a
/// fifth of a full render, and abandoning it left a key-repeat
/// stroke (a request every 33 ms) without any picture until the stroke ended, since no draft of a stroke's request
/// could finish before the next one. The UI polls `latest()` and `latestResult()`, cheap reads of a Mutex-guarded
/// slot. Each published picture (draft or final, always at the request's full size) is then handed to the
/// `previewFile`, which writes it on its own worker: its time is not the render's, and a failed write is its
/// `problem()`, not a failed render.
public final class RenderController: Sendable {
    public let model: PaintModel
    /// Where each published picture is written; nil writes none.
    public let previewFile: PreviewFile?
    /// Which requests get a small draft before their full-size render (where the size has a draft).
    public let draftPolicy: DraftPolicy

    private struct Slot {
        /// The newest waiting request, and whether an older one was queued or rendering when it came.
        var pending: (generation: UInt64, request: RenderRequest, workerBusy: Bool)?
        var status: RenderStatus = .idle
        var result: RenderResult?
        var counts = RenderCounts()
    }

    /// Stages at the end of a full-size pass that it finishes although a newer request came: on the bundled model
    /// the last two blocks and the output conv, about 40 % of the pass. At a painter's pace (an action every
    /// 100-200 ms) the next action often came as the pass neared its end; abandoning it there threw most of it away,
    /// and a run of such actions got no full-size picture until it stopped (docs/performance.md, "Interactive
    /// latency").
    static let finishingStages = 3

    private let queue = DispatchQueue(label: "clade-paint.render", qos: .userInitiated)
    /// The generation of the newest request (or cancellation); a render whose number differs is stale.
    private let generation = Atomic<UInt64>(0)
    /// How many times `cancel` was called: a draft stops only when this changes (changed under the slot's lock).
    private let cancellations = Atomic<UInt64>(0)
    private let slot = Mutex(Slot())
    private let stageObserver: (@Sendable (_ generation: UInt64, _ isDraft: Bool, _ stage: String) -> Void)?

    /// - draftPolicy: which requests get a small draft first (`DraftPolicy`).
    /// - stageObserver: called on the worker after each generator stage of each render (e.g. for logging).
    public init(
        model: PaintModel, previewURL: URL?, draftPolicy: DraftPolicy = .always,
        stageObserver: (@Sendable (_ generation: UInt64, _ isDraft: Bool, _ stage: String) -> Void)? = nil
    ) {
        self.model = model
        previewFile = previewURL.map(PreviewFile.init)
        self.draftPolicy = draftPolicy
        self.stageObserver = stageObserver
    }

    /// Queues `request` in place of any waiting one, marks any running render stale, and returns its generation.
    @discardableResult
    public func submit(_ request: RenderRequest) -> UInt64 {
        let number = generation.add(1, ordering: .sequentiallyConsistent).newValue
        slot.withLock { slot in
            if slot.pending != nil { slot.counts.skipped += 1 }
            let workerBusy =
                switch slot.status {
                case .queued, .drafting, .rendering, .refining: true
                case .idle, .done, .failed: false
                }
            slot.pending = (number, request, workerBusy)
            slot.status = .queued
        }
        queue.async { self.work() }
        return number
    }

    /// Drops the waiting request and stops the running render; the status becomes `.idle`.
    public func cancel() {
        generation.add(1, ordering: .sequentiallyConsistent)
        slot.withLock { slot in
            cancellations.add(1, ordering: .sequentiallyConsistent)
            if slot.pending != nil { slot.counts.skipped += 1 }
            slot.pending = nil
            slot.status = .idle
        }
    }

    /// Where the newest request stands.
    public func latest() -> RenderStatus { slot.withLock { $0.status } }

    /// The generation of the newest request (or cancellation), as `submit` returned it.
    public func newestGeneration() -> UInt64 { generation.load(ordering: .sequentiallyConsistent) }

    /// The newest finished picture (it stays while a newer request renders, for the preview panel).
    public func latestResult() -> RenderResult? { slot.withLock { $0.result } }

    public func counts() -> RenderCounts { slot.withLock { $0.counts } }

    /// Blocks until the worker has handled every request submitted before the call, and their pictures are in the
    /// preview file.
    public func wait() {
        queue.sync {}
        previewFile?.wait()
    }

    private func isCurrent(_ number: UInt64) -> Bool { generation.load(ordering: .sequentiallyConsistent) == number }

    /// Sets the status only while `number` is still the newest request, so stale work never overwrites it.
    private func report(_ number: UInt64, _ update: (inout Slot) -> Void) {
        slot.withLock { slot in
            if isCurrent(number) { update(&slot) }
        }
    }

    private func work() {
        // The cancellation count is read with the request, under the lock `cancel` takes, so a cancel either finds
        // the request still waiting or is seen by its draft.
        guard
            let (number, request, workerBusy, cancelsAtStart) = slot.withLock({ slot in
                defer { slot.pending = nil }
                return slot.pending.map {
                    ($0.generation, $0.request, $0.workerBusy, cancellations.load(ordering: .sequentiallyConsistent))
                }
            })
        else { return }
        let clock = ContinuousClock()
        let start = clock.now
        let stages = Double(model.stageCount)
        let isCancelledByCall = { self.cancellations.load(ordering: .sequentiallyConsistent) != cancelsAtStart }
        /// Publishes a finished picture of request `number`, then hands it to the preview file, unless `cancel` was
        /// called. A picture of a request that a newer one replaced (a draft, or a full-size pass that was in its last
        /// stages) is still the newest picture there is (the worker takes requests in order); it becomes the shown
        /// picture, but the status stays the newer request's.
        func publish(_ image: PNGImage, isDraft: Bool) throws -> RenderResult {
            guard !isCancelledByCall() else { throw CancellationError() }
            let elapsed = clock.now - start
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            let result = RenderResult(
                generation: number, request: request, image: image, isDraft: isDraft, milliseconds: milliseconds)
            let published = slot.withLock { slot in
                if isDraft { slot.counts.drafts += 1 } else { slot.counts.rendered += 1 }
                guard !isCancelledByCall() else { return false }
                slot.result = result
                if isCurrent(number) { slot.status = isDraft ? .refining(draft: result, progress: 0) : .done(result) }
                return true
            }
            if published { previewFile?.write(image) }
            return result
        }
        do {
            var draft: RenderResult?
            if draftPolicy.drafts(workerBusy: workerBusy),
                model.draftSize(width: request.width, height: request.height) != nil
            {
                var done = 0.0
                report(number) { $0.status = .drafting(progress: 0) }
                let image = try model.renderDraft(
                    request,
                    observer: { stage in
                        done += 1
                        self.report(number) { $0.status = .drafting(progress: min(done / stages, 1)) }
                        self.stageObserver?(number, true, stage)
                    }, isCancelled: isCancelledByCall)
                if let image { draft = try publish(image, isDraft: true) }
            }
            if draft == nil { report(number) { $0.status = .rendering(progress: 0) } }
            // A request that came while the draft was being published drops the full-size pass before it starts.
            guard isCurrent(number) else { throw CancellationError() }
            var done = 0.0
            let finishing = stages - Double(Self.finishingStages)
            let image = try model.render(
                request,
                observer: { stage in
                    done += 1
                    let progress = min(done / stages, 1)
                    self.report(number) {
                        $0.status =
                            draft.map { .refining(draft: $0, progress: progress) } ?? .rendering(progress: progress)
                    }
                    self.stageObserver?(number, false, stage)
                }, isCancelled: { isCancelledByCall() || (!self.isCurrent(number) && done < finishing) })
            _ = try publish(image, isDraft: false)
        } catch is CancellationError {
            slot.withLock { $0.counts.abandoned += 1 }
        } catch {
            slot.withLock { $0.counts.failed += 1 }
            report(number) { $0.status = .failed("\(error)") }
        }
    }
}
