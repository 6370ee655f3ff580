import Dispatch
import Foundation

/// Work split over the engine's threads: matrix products (`MatrixProduct`, `Conv2d`) and element-wise passes
/// (im2col, normalisation, activations).
///
/// Runs on as many threads as `BLASThreads` set. Each part gets a contiguous range, so the
/// result does not depend on the split.
enum Parallel {
    /// The engine's threads; the first use configures `BLASThreads` with the processor count if nothing did before,
    /// so OpenBLAS never runs threads of its own inside the engine's parts.
    static var threads: Int { BLASThreads.count ?? BLASThreads.configure(ProcessInfo.processInfo.activeProcessorCount) }

    /// Calls `body` on contiguous parts of `0 ..< count`, concurrently; parts hold at least `grain` items, so small
    /// jobs stay on the calling thread.
    static func forEach(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = min(threads, count / max(1, grain))
        if parts <= 1 {
            if count > 0 { body(0 ..< count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let parts = Parts(count: count, parts: parts, body: body)
            DispatchQueue.concurrentPerform(iterations: parts.parts) { parts.run($0) }
        }
    }

    /// The job handed to the worker threads. Callers pass raw pointers into disjoint ranges, which Swift cannot
    /// prove safe to share, hence unchecked; `concurrentPerform` returns only when every part is done.
    private struct Parts: @unchecked Sendable {
        let count: Int
        let parts: Int
        let body: (Range<Int>) -> Void

        func run(_ part: Int) { body(count * part / parts ..< count * (part + 1) / parts) }
    }
}
