import CLADE
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts `clade-paint` again with `OPENBLAS_CORETYPE` set when OpenBLAS loaded its generic kernels on a CPU that
/// has faster ones (`BLASKernels`). Runs first thing in `main`, before any thread, file or terminal is touched; the
/// process keeps its id, arguments and descriptors. A variable already set (by the person, or by this relaunch) is
/// left alone, so it happens at most once.
enum BLASRelaunch {
    static func ifGenericKernels() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
            let kernels = BLASKernels.better(than: BLASKernels.current, cpuFlags: BLASKernels.cpuFlags())
        else { return }
        setenv("OPENBLAS_CORETYPE", kernels, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // exec failed (no /proc): carry on with the generic kernels.
        unsetenv("OPENBLAS_CORETYPE")
    }
}
