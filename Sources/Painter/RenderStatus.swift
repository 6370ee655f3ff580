import Foundation
import ImageFiles

/// A finished picture: the final one at the request's size, or a draft drawn at a reduced size and upscaled to it.
public struct RenderResult: Sendable, Equatable {
    /// The number `RenderController.submit` returned for the request.
    public let generation: UInt64
    public let request: RenderRequest
    /// RGB8, `request.width x request.height` (a draft upscaled bilinearly from `PaintModel.draftSize`).
    public let image: PNGImage
    /// Whether this is the reduced-size draft of the request (its final picture follows unless a newer request came).
    public let isDraft: Bool
    /// Wall time from the worker taking the request to the picture being ready (for a final picture after a draft,
    /// the draft's time included; the preview file is written afterwards, `PreviewFile`).
    public let milliseconds: Double

    public init(generation: UInt64, request: RenderRequest, image: PNGImage, isDraft: Bool, milliseconds: Double) {
        self.generation = generation
        self.request = request
        self.image = image
        self.isDraft = isDraft
        self.milliseconds = milliseconds
    }
}

/// Where the newest request stands.
public enum RenderStatus: Sendable, Equatable {
    /// Nothing submitted yet, or the last request was cancelled.
    case idle
    /// Waiting for the worker.
    case queued
    /// The reduced-size draft is running; `progress` in 0 ... 1 (stages done / stages).
    case drafting(progress: Double)
    /// The draft is the shown picture and the full-size render runs; `progress` of the full-size render.
    case refining(draft: RenderResult, progress: Double)
    /// The full-size render runs and no draft of this request is shown (drafts off, or none for this size).
    case rendering(progress: Double)
    /// The final, full-size picture is ready.
    case done(RenderResult)
    case failed(String)
}

/// What the worker did with the requests so far.
public struct RenderCounts: Sendable, Equatable, Codable {
    /// Final pictures finished.
    public var rendered = 0
    /// Drafts finished (each followed by its final picture or abandoned for a newer request).
    public var drafts = 0
    /// Requests whose render stopped at a generator checkpoint (the full-size pass when a newer request came, a
    /// draft only on `cancel`), or after the draft because a newer request came.
    public var abandoned = 0
    /// Requests replaced by a newer one (or cancelled) before the worker took them.
    public var skipped = 0
    /// Renders that failed with an error.
    public var failed = 0

    public init(rendered: Int = 0, drafts: Int = 0, abandoned: Int = 0, skipped: Int = 0, failed: Int = 0) {
        (self.rendered, self.drafts, self.abandoned, self.skipped, self.failed) = (
            rendered, drafts, abandoned, skipped, failed
        )
    }
}
