import CMalloc

/// Keeps freed feature maps in the heap for the next forward pass instead of returning them to the system.
///
/// glibc serves blocks above its mmap threshold (128 KiB, raised dynamically up to 32 MiB) with fresh `mmap`s
/// that are unmapped on `free`, so every pass faulted in and zeroed its feature maps again: 139k page faults over
/// 11 passes of the bundled model (`perf stat -e page-faults clade-paint bench generator --repeat 10`), about a
/// tenth of the process's CPU time. With the threshold at its maximum and
/// trimming only above 256 MiB of free heap, the maps of one pass are reused by the next (38k faults; the peak RSS
/// does not change, measured 172 MiB either way).
public enum HeapReuse {
    /// glibc's largest mmap threshold on 64-bit (`HEAP_MAX_SIZE / 2`); larger values are refused.
    public static let mmapThreshold: Int32 = 32 << 20
    /// Free heap kept before glibc returns memory to the system.
    public static let trimThreshold: Int32 = 256 << 20

    /// Sets both thresholds for the whole process; true when glibc took them. Call once at start, before the
    /// first large allocation.
    @discardableResult
    public static func configure() -> Bool {
        mallopt(M_MMAP_THRESHOLD, mmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, trimThreshold) == 1
    }
}
