import Dispatch
import Foundation
import Synchronization

/// Notes SIGINT, SIGTERM and SIGHUP instead of dying at once, so the painter's loop can restore the terminal and
/// write the autosave before it exits (the loop checks `received` between input reads, every few tens of ms).
final class SignalWatch {
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// The last signal's number (0: none), set on the dispatch queue, read by the loop.
    private final class LastSignal: Sendable {
        let number = Atomic<Int32>(0)
    }

    private let last = LastSignal()
    /// Kept so the sources stay alive.
    private let sources: [any DispatchSourceSignal]

    init() {
        let queue = DispatchQueue(label: "clade-paint.signals")
        let last = self.last
        sources = Self.signals.map { signal in
            // The default action (exit at once) must be off for the dispatch source to see the signal.
            Foundation.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
            source.setEventHandler { last.number.store(signal, ordering: .sequentiallyConsistent) }
            source.resume()
            return source
        }
    }

    /// The last signal received, if any.
    var received: Int32? {
        let value = last.number.load(ordering: .sequentiallyConsistent)
        return value == 0 ? nil : value
    }
}
