import Foundation

/// A problem with a file that a person handed the tool (palette, PNG image, label or instance map), or with
/// an output file. The description names the file, the place in it when there is one, and what is wrong.
public struct ImageFileError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// Where in the file the problem is.
    public enum Place: Sendable, Equatable {
        /// A 1-based line of a text file.
        case line(Int)
        /// A pixel, 0-based column `x` and row `y` from the top-left corner.
        case pixel(x: Int, y: Int)
    }

    /// The file as the caller named it.
    public var path: String
    public var place: Place?
    public var problem: String

    public init(path: String, place: Place? = nil, problem: String) {
        self.path = path
        self.place = place
        self.problem = problem
    }

    public var description: String {
        switch place {
        case nil: "\(path): \(problem)"
        case .line(let line): "\(path):\(line): \(problem)"
        case .pixel(let x, let y): "\(path): pixel (x \(x), y \(y)): \(problem)"
        }
    }

    /// The same words where an error is shown by `localizedDescription` (else Foundation's "error 1").
    public var errorDescription: String? { description }
}
