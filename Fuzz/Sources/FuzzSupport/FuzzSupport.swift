import CFuzzDriver
import CLADE
import Foundation
import ImageFiles
import Painter

/// What the fuzz targets share: the repository's files and a scratch place for inputs that the code under test
/// only reads from disk.
public enum FuzzSupport {
    /// The repository root (this file is Fuzz/Sources/FuzzSupport/FuzzSupport.swift).
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A folder of this process's own, for the input files.
    public static let scratch: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clade-paint-fuzz-\(getpid())")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }()

    /// Writes the fuzzer's input to `name` in the scratch folder and returns its URL.
    public static func file(_ name: String, _ data: UnsafePointer<UInt8>?, _ count: Int) -> URL {
        let url = scratch.appendingPathComponent(name)
        try! bytes(data, count).write(to: url)
        return url
    }

    /// The input as `Data`.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Data {
        data.map { Data(bytes: $0, count: count) } ?? Data()
    }

    /// The bundled landscape palette.
    public static let palette: Palette = try! Palette(
        contentsOf: repository.appendingPathComponent("Palettes/landscape.gpl"))

    /// A small model of the engine's test fixtures (64x64 pictures, 6 classes, ICPE, edges and a style encoder).
    public static let model: PaintModel = {
        let url = repository.appendingPathComponent(
            "Tests/CLADETests/Fixtures/clade_icpe_edges_vae_batch.model.safetensors")
        return try! PaintModel(file: ModelFile(contentsOf: url), path: url.path, palette: palette)
    }()

    /// The target `run` was given (see `fuzzerTestOneInput`).
    nonisolated(unsafe) static var current: Target?

    /// One input: its bytes (nil when empty) and count; returns 0.
    public typealias Target = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer with the process's command line (its options, corpus folders or input files) on `target`.
    public static func run(_ target: Target) -> Never {
        current = target
        var argc = CommandLine.argc
        var argv = Optional(CommandLine.unsafeArgv)
        exit(LLVMFuzzerRunDriver(&argc, &argv, target))
    }

    /// A property of accepted input that must hold; a violation is a finding, so it stops the fuzzer.
    public static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("property violated: \(message())") }
    }
}

/// libFuzzer's archive member with its own `main` is linked too and refers to this symbol; SwiftPM's entry point is
/// the one that runs, so this only forwards to the target given to `run`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzSupport.current.map { $0(data, count) } ?? 0
}
