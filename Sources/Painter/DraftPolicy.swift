/// When the render worker draws a half-size draft of a request before its full-size picture.
///
/// Measured with `clade-paint bench latency --compare` (docs/performance.md, "Interactive latency"): a draft shows a
/// change sooner but puts its full-size picture later by the draft's time, and an upscaled draft is much blurrier.
/// A request that comes while an older one is still rendering is part of a stroke or a burst: the full-size render
/// would be abandoned anyway, so a draft is what makes the stroke visible. A request that finds the worker idle
/// (the first action after a pause) gets its full-size picture at once.
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
