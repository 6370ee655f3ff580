import CBLAS
import Synchronization

/// The engine's thread count, set once for the whole process, and who splits a matrix product over those threads.
///
/// The engine splits its products itself (`MatrixProduct`, `Conv2d`): each thread runs single-threaded sgemm on its
/// own band of the output, so threads meet once per layer instead of inside every BLAS call. OpenBLAS's own
/// threads wait for each other within every call, which on a loaded machine stalls small products (measured: a
/// 256x256 convolution tiled into 768-pixel products ran at 13 GFLOP/s with OpenBLAS's 2 threads, 130 with the
/// engine's split). OpenBLAS's threading stays available for timing its own large-product ceiling.
/// `openblas_set_num_threads` is process-global and not meant to change while BLAS runs, so the first call of
/// `configure` sets it and later calls leave it as it is.
public enum BLASThreads {
    /// Who splits one matrix product over the threads.
    public enum Split: Sendable {
        /// The engine: OpenBLAS runs single-threaded in each of the engine's threads.
        case engine
        /// OpenBLAS, with `count` threads of its own (the sgemm ceiling).
        case openBLAS
    }

    private static let configured = Mutex<Int?>(nil)

    /// Sets the thread count on the first call (at least 1); returns the count in force.
    @discardableResult
    public static func configure(_ count: Int, split: Split = .engine) -> Int {
        configured.withLock { current in
            if let current { return current }
            let threads = max(1, count)
            openblas_set_num_threads(split == .engine ? 1 : Int32(threads))
            current = threads
            return threads
        }
    }

    /// The count set by `configure`, or nil before it was called.
    public static var count: Int? { configured.withLock { $0 } }
}
