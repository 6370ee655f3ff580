import CLADE
import Foundation
import ImageFiles
import PaintTUI
import Painter
import TestSupport

/// The model the drivers paint with, from `--model` and `--palette` (default: a small engine test fixture with
/// ICPE, edges and a style encoder, 64x64 pictures, so thousands of renders take seconds).
struct Fixture {
    let model: PaintModel

    init(options: Options) throws {
        let modelPath = options["model"] ?? TestFixtures.modelURL(TestFixtures.styled).path
        let palettePath =
            options["palette"] ?? TestFixtures.checkout.appendingPathComponent("Palettes/landscape.gpl").path
        let palette = try Palette(contentsOf: URL(fileURLWithPath: palettePath))
        model = try PaintModel(
            file: ModelFile(contentsOf: URL(fileURLWithPath: modelPath)), path: modelPath, palette: palette)
    }

    /// The driver's script: every tool, `seed`'s episodes in order.
    func script(seed: UInt64) -> ScriptedSession {
        ScriptedSession(seed: seed, classCount: model.config.classCount, everyTool: true)
    }

    /// A painter that paints with no renderer and no autosave, as a checker replays a script on it.
    func replayPainter() -> PaintSession {
        PaintSession(
            state: PainterState(model: model, seedSource: Self.countingSeeds()),
            outputFolder: FileManager.default.temporaryDirectory)
    }

    /// Style seeds 1, 2, 3, ... so a replay draws the same styles.
    static func countingSeeds() -> () -> UInt64 {
        var next: UInt64 = 0
        return {
            next += 1
            return next
        }
    }
}

/// `--name value` pairs of the command line.
struct Options {
    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard flag.hasPrefix("--"), let value = rest.popFirst() else {
                throw DriverError("expected --name value, got '\(flag)'")
            }
            values[String(flag.dropFirst(2))] = value
        }
    }

    subscript(name: String) -> String? { values[name] }

    func int(_ name: String, default fallback: Int) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text) else { throw DriverError("--\(name) needs a whole number, got '\(text)'") }
        return value
    }

    func url(_ name: String) throws -> URL {
        guard let path = values[name] else { throw DriverError("--\(name) is required") }
        return URL(fileURLWithPath: path)
    }
}

struct DriverError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The resident set size of this process in KiB (VmRSS of /proc/self/status).
func residentKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return -1 }
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
}
