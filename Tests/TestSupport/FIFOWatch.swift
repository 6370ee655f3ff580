import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `body` while another thread watches the named pipe at `path` for a reader: a reader blocked in `open`
/// is let through at once (a writer opens and closes), so code that wrongly opens the pipe fails the test by
/// reading an empty file instead of hanging it. Returns whether anyone opened the pipe for reading.
public func watchingFIFO<T>(_ path: String, _ body: () throws -> T) rethrows -> (result: T, opened: Bool) {
    let state = FIFOWatchState()
    let watcher = Thread {
        while !state.done.load(ordering: .acquiring) {
            let descriptor = open(path, O_WRONLY | O_NONBLOCK)
            if descriptor >= 0 {
                state.opened.store(true, ordering: .releasing)
                close(descriptor)
            }
            usleep(2000)
        }
        state.finished.signal()
    }
    watcher.start()
    defer {
        state.done.store(true, ordering: .releasing)
        state.finished.wait()
    }
    let result = try body()
    return (result, state.opened.load(ordering: .acquiring))
}

private final class FIFOWatchState: Sendable {
    let done = Atomic(false)
    let opened = Atomic(false)
    let finished = DispatchSemaphore(value: 0)
}
