import Dispatch
import Foundation
import Synchronization

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

    /// Calls `body(worker, item)` once for every item of `0 ..< count`, on up to `workers` threads at once: each
    /// thread takes the next item when it finishes one, so a thread that the system preempts (the machine is
    /// shared) does not hold the others up at the end of the layer. `worker`, in `0 ..< workers`, is the same for
    /// every item one thread runs, so it can name that thread's scratch memory; which thread runs an item does not
    /// change what the item computes.
    static func forEachItem(_ count: Int, workers: Int, _ body: (_ worker: Int, _ item: Int) -> Void) {
        let workers = min(workers, count)
        if workers <= 1 {
            for item in 0 ..< count { body(0, item) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let items = Items(count: count, body: body)
            DispatchQueue.concurrentPerform(iterations: workers) { items.run(worker: $0) }
        }
    }

    /// The items handed out one at a time; unchecked Sendable for the same reason as `Parts`.
    private final class Items: @unchecked Sendable {
        let count: Int
        let body: (Int, Int) -> Void
        let next = Atomic<Int>(0)

        init(count: Int, body: @escaping (Int, Int) -> Void) {
            self.count = count
            self.body = body
        }

        func run(worker: Int) {
            while true {
                let item = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if item >= count { return }
                body(worker, item)
            }
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
