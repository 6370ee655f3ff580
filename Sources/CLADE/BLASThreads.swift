import CBLAS
import Synchronization

/// The OpenBLAS thread count, set once for the whole process.
///
/// `openblas_set_num_threads` is process-global and not meant to change while BLAS runs, so the first call of
/// `configure` sets it and later calls leave it as it is.
public enum BLASThreads {
    private static let configured = Mutex<Int?>(nil)

    /// Sets the thread count on the first call (at least 1); returns the count in force.
    @discardableResult
    public static func configure(_ count: Int) -> Int {
        configured.withLock { current in
            if let current { return current }
            let threads = max(1, count)
            openblas_set_num_threads(Int32(threads))
            current = threads
            return threads
        }
    }

    /// The count set by `configure`, or nil before it was called.
    public static var count: Int? { configured.withLock { $0 } }
}
