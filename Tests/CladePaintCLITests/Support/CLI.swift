import CLADE
import Foundation
import Testing

/// The built `clade-paint` binary and a way to run it in a folder of its own.
enum CLI {
    /// The binary in the build products folder. The test bundle (`<scratch>/<triple>/debug/*.xctest`) sits in the
    /// same folder, and the test target depends on the executable, so `swift test` builds it first.
    static let binary: URL? = {
        let starts = [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
        for start in starts {
            for folder in [start, start.deletingLastPathComponent()] {
                let candidate = folder.appendingPathComponent("clade-paint")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        return nil
    }()

    /// The OpenBLAS kernels every `clade-paint` started by a test runs (`OPENBLAS_CORETYPE`): this process's, so that
    /// pictures from a subprocess compare bit for bit with the engine run here and with each other (`clade-paint`
    /// would otherwise choose faster kernels of its own where OpenBLAS fell back to generic ones, `BLASRelaunch`).
    static let kernels = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? BLASKernels.current

    /// What one run of the binary did.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// The lines written to stderr.
        var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// Runs `clade-paint arguments` in `folder` with `environment` added to a copy of this process's environment
    /// from which `CLADE_PAINT_MODEL` is removed. stdout and stderr go to files, so no pipe can fill up.
    static func run(_ arguments: [String], in folder: URL, binary: URL? = nil, environment: [String: String] = [:])
        throws -> Result
    {
        let executable = try #require(
            binary ?? Self.binary, "clade-paint binary not found next to the test bundle \(Bundle.main.bundleURL.path)")
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent(
            "clade-paint-logs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: logs) }
        let outURL = logs.appendingPathComponent("stdout")
        let errURL = logs.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        env["CLADE_PAINT_MODEL"] = nil
        env["OPENBLAS_CORETYPE"] = kernels
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
