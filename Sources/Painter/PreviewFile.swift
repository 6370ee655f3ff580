import Dispatch
import Foundation
import ImageFiles
import Synchronization

/// The preview PNG: the newest picture the painter shows, kept in a file for other programs to watch.
///
/// `RenderController` hands each picture over once it is published; a worker of its own writes it (`AtomicFile`), so
/// the disk never delays the picture on screen and a disk that is full or read-only never fails a render. Pictures
/// that come while one is being written wait, and only the newest of them is written.
public final class PreviewFile: Sendable {
    public let url: URL

    private struct Waiting {
        /// The newest picture not yet written.
        var image: PNGImage?
        /// Why the last write failed, if it did.
        var problem: String?
    }

    private let queue = DispatchQueue(label: "clade-paint.preview-file", qos: .utility)
    private let waiting = Mutex(Waiting())

    public init(url: URL) {
        self.url = url
    }

    /// Writes `image` soon, in place of any picture still waiting.
    public func write(_ image: PNGImage) {
        waiting.withLock { $0.image = image }
        queue.async { self.writeWaiting() }
    }

    /// Blocks until every picture handed over before the call is written (or has failed).
    public func wait() { queue.sync {} }

    /// Why the last picture could not be written, if it could not (the painter shows it all the same).
    public func problem() -> String? { waiting.withLock { $0.problem } }

    /// Runs on `queue`, once per picture handed over; the runs of pictures replaced while they waited find nothing.
    private func writeWaiting() {
        guard let image = waiting.withLock({ waiting in
            defer { waiting.image = nil }
            return waiting.image
        }) else { return }
        var problem: String?
        do { try image.write(to: url, fast: true) } catch { problem = "the preview picture is not written: \(error.localizedDescription)" }
        waiting.withLock { $0.problem = problem }
    }
}
