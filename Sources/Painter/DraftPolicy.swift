/// When the render worker draws a small draft of a request (`PaintModel.draftSize`) before its full-size picture.
///
/// A draft shows a change sooner but puts its full-size picture later by the draft's time, and an upscaled draft
/// is much blurrier (docs/performance.md, "Interactive latency"). Measured with `clade-paint bench latency --compare`
/// (bundled model, 64x64 drafts, 2 threads, 120 scripted actions, three runs, load average 0.6-1.5), action to first
/// preview, p95: always 34-50 ms, while-busy 98-111 ms, never 246-275 ms; action to final preview, median: always
/// 110-138 ms, while-busy 91-104 ms, never 90-101 ms. The painter drafts `.always`: it is the one policy that shows
/// every change within 100 ms, strokes included; without a draft a change waits for a whole full-size pass, and
/// `.whileBusy` leaves the first change after a pause (which finds the worker idle) waiting for one.
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
