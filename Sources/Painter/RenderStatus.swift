import Foundation
import ImageFiles

/// A finished picture.
public struct RenderResult: Sendable, Equatable {
    /// The number `RenderController.submit` returned for the request.
    public let generation: UInt64
    public let request: RenderRequest
    /// RGB8, `request.width x request.height`.
    public let image: PNGImage
    /// Wall time from the worker taking the request to the picture being ready (preview file included).
    public let milliseconds: Double
    /// The preview PNG written for this picture, when the controller writes one.
    public let previewURL: URL?
}

/// Where the newest request stands.
public enum RenderStatus: Sendable, Equatable {
    /// Nothing submitted yet, or the last request was cancelled.
    case idle
    /// Waiting for the worker.
    case queued
    /// The generator is running; `progress` in 0 ... 1 (stages done / stages).
    case rendering(progress: Double)
    case done(RenderResult)
    case failed(String)
}

/// What the worker did with the requests so far.
public struct RenderCounts: Sendable, Equatable {
    /// Pictures finished.
    public var rendered = 0
    /// Renders stopped between generator stages because a newer request came.
    public var abandoned = 0
    /// Requests replaced by a newer one (or cancelled) before the worker took them.
    public var skipped = 0
    /// Renders that failed with an error.
    public var failed = 0

    public init() {}
}
