/// When the render worker draws a small draft of a request (`PaintModel.draftSize`) before its full-size picture.
///
/// A draft shows a change sooner but puts its full-size picture later by the draft's time, and an upscaled draft
/// is much blurrier (docs/performance.md, "Interactive latency"). Measured with `clade-paint bench latency
/// --compare` (bundled model, 2 threads, 200 scripted actions, seeds 2 and 3), action to first preview, median:
/// always 56-61 ms, while-busy 121-122 ms, never 153-182 ms; action to final preview, median: always 234-284 ms,
/// while-busy 204-229 ms, never 153-182 ms. The painter drafts `.always`: strokes are what a preview must follow,
/// and the idea behind `.whileBusy` (a change after a pause needs no draft) loses there, because a stroke's first
/// action finds the worker idle and starts a full render that the stroke then abandons.
public enum DraftPolicy: String, Sendable, CaseIterable {
    /// Draft every request.
    case always
    /// Draft only requests that come while an older request is queued or rendering.
    case whileBusy = "while-busy"
    /// Full-size pictures only.
    case never

    /// Whether a request is drafted, given whether the worker was busy with an older request when it came.
    public func drafts(workerBusy: Bool) -> Bool {
        switch self {
        case .always: true
        case .whileBusy: workerBusy
        case .never: false
        }
    }
}
