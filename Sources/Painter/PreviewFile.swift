import Dispatch
import Foundation
import ImageFiles
import Synchronization

/// The preview PNG: the newest picture the painter shows, kept in a file for other programs to watch.
///
/// `RenderController` hands each picture over once it is published, and a worker of its own writes it (`AtomicFile`),
/// so the disk never delays the picture on screen and a full or read-only disk never fails a render. Of the pictures
/// that come while one is being written, only the newest is written.
public final class PreviewFile: Sendable {
    public let url: URL
    private let queue = DispatchQueue(label: "clade-paint.preview-file", qos: .utility)
    /// The newest picture not yet written, and why the last write failed (nil: it did not).
    private let state = Mutex<(waiting: PNGImage?, problem: String?)>((nil, nil))

    public init(url: URL) { self.url = url }

    /// Writes `image` soon, in place of any picture still waiting.
    public func write(_ image: PNGImage) {
        state.withLock { $0.waiting = image }
        queue.async {
            // One run per picture handed over: the runs of pictures replaced while they waited find none.
            guard
                let image = self.state.withLock({ state in
                    defer { state.waiting = nil }
                    return state.waiting
                })
            else { return }
            var problem: String?
            do { try image.write(to: self.url, fast: true) } catch {
                problem = "the preview picture is not written: \(error.localizedDescription)"
            }
            self.state.withLock { $0.problem = problem }
        }
    }

    /// Blocks until every picture handed over before the call is written (or has failed).
    public func wait() { queue.sync {} }

    /// Why the last picture could not be written, if it could not (the painter shows it all the same).
    public func problem() -> String? { state.withLock { $0.problem } }
}
