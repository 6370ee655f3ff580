import Foundation

/// A request the painter cannot carry out, in words for the status line.
public struct PainterError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public let problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { problem }
    public var errorDescription: String? { problem }
}
