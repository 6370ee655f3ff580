import CLADE
import Foundation
import ImageFiles
import Painter

/// A problem with one file the command was handed or asked to write, told in one line:
/// `clade-paint: error: <file>: <problem>`.
///
/// The engine's and ImageFiles' errors are turned into this at the place where the file's path as the person
/// typed it is known (`attributing(to:)`), so every message names the file the same way.
struct FileProblem: Error, Equatable, CustomStringConvertible {
    /// The file as the person named it, or with its place (`mask.png: pixel (x 3, y 4)`).
    var file: String
    var problem: String

    var description: String { "\(file): \(problem)" }

    /// The line printed to stderr; names and text from files are escaped (`TerminalText`).
    var message: String { "clade-paint: error: \(TerminalText.escaped(description))" }

    /// The most problems one line lists; a model file that fits no config at all can have hundreds.
    static let listedProblems = 4

    /// Several problems of one file in one line: the first few, then how many more there are.
    static func joined(_ problems: [String]) -> String {
        guard problems.count > 1 else { return problems.first ?? "unknown problem" }
        let shown = problems.prefix(listedProblems).joined(separator: "; ")
        let rest = problems.count - listedProblems
        return "\(problems.count) problems: \(shown)" + (rest > 0 ? "; and \(rest) more" : "")
    }

    /// Runs `body`, turning the errors of the engine, the painter and ImageFiles into a `FileProblem` about `path`.
    /// The painter's and ImageFiles' errors that name their file (with the key, pixel or line) keep that name.
    static func attributing<T>(to path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FileProblem {
            throw error
        } catch let error as ImageFileError {
            throw FileProblem(file: location(of: error), problem: error.problem)
        } catch let error as PainterError {
            throw FileProblem(file: error.file ?? path, problem: error.detail)
        } catch let error as SafeTensorsError {
            throw FileProblem(file: path, problem: error.problem)
        } catch let error as ModelFileError {
            throw FileProblem(file: path, problem: joined(error.problems))
        } catch let error as GeneratorInputError {
            throw FileProblem(file: path, problem: error.problem)
        }
    }

    /// The file and place of an ImageFiles error, as its description writes them.
    private static func location(of error: ImageFileError) -> String {
        switch error.place {
        case nil: error.path
        case .line(let line): "\(error.path):\(line)"
        case .pixel(let x, let y): "\(error.path): pixel (x \(x), y \(y))"
        }
    }
}
