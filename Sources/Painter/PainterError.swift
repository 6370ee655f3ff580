import Foundation

/// A request the painter cannot carry out: the file it is about (when it is about one), the place in that file, and
/// the problem, told the way `ImageFileError` tells a bad image file.
public struct PainterError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// Where in the file the problem is.
    public enum Place: Sendable, Equatable {
        /// A key of a JSON file, e.g. a session record's `"version"`.
        case key(String)
    }

    /// The file as the painter was handed it; nil for a request that is not about one file.
    public var file: String?
    public var place: Place?
    public var problem: String

    public init(file: String? = nil, place: Place? = nil, _ problem: String) {
        self.file = file
        self.place = place
        self.problem = problem
    }

    /// The problem with its place: `"version" is 2; ...`.
    public var detail: String {
        switch place {
        case nil: problem
        case .key(let key): "\"\(key)\" \(problem)"
        }
    }

    /// `file: detail`, or the detail alone: the status line's words.
    public var description: String { file.map { "\($0): \(detail)" } ?? detail }

    /// The same words where an error is shown by `localizedDescription` (else Foundation's "error 1").
    public var errorDescription: String? { description }
}
