import CBLAS
import Foundation

/// Which OpenBLAS kernels run the engine's products.
///
/// OpenBLAS picks its kernels once, when the library loads, from the CPU's model number. A CPU newer than the
/// library (Debian's 0.3.21 on a 5th-generation Xeon) gets the generic "Prescott" kernels, SSE3 only: on this
/// project's machine they took 3.9x the CPU time of the AVX-512 ("SkylakeX") kernels for the same product
/// (`perf stat -e task-clock clade-paint bench sgemm --threads 1`, 2.60 s against 0.66 s). The variable
/// `OPENBLAS_CORETYPE` chooses them instead, but only before the library loads; `clade-paint` therefore starts
/// itself again with it set when it finds the generic kernels on a CPU that has better ones.
public enum BLASKernels {
    /// The kernels OpenBLAS chose for this process, e.g. "SkylakeX", "Haswell", "Prescott".
    public static var current: String { String(cString: openblas_get_corename()) }

    /// The kernels to ask for on a CPU with these /proc/cpuinfo `flags` when OpenBLAS chose `current`: nil unless
    /// it fell back to the generic kernels and the CPU has AVX-512 (SkylakeX) or AVX2 with FMA (Haswell).
    public static func better(than current: String, cpuFlags: Set<Substring>) -> String? {
        guard current.lowercased() == "prescott" else { return nil }
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) {
            return "SkylakeX"
        }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        return nil
    }

    /// The CPU's feature flags as Linux lists them (the first `flags` line of /proc/cpuinfo); empty if unreadable.
    public static func cpuFlags() -> Set<Substring> {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " "))
    }
}
