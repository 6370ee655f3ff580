import Dispatch
import Foundation
import Synchronization

/// What the autosave keeps of a painting: enough to carry on where it stopped.
public struct AutosaveRecord: Sendable, Equatable, Codable {
    public var savedAt: Date
    /// The model file the painting was made with.
    public var model: String
    public var width: Int
    public var height: Int
    public var canvas: Canvas
    public var currentClass: Int32
    public var style: StyleSelection
    public var icpe: Bool

    public init(savedAt: Date, model: String, width: Int, height: Int, canvas: Canvas, currentClass: Int32, style: StyleSelection, icpe: Bool) {
        self.savedAt = savedAt
        self.model = model
        self.width = width
        self.height = height
        self.canvas = canvas
        self.currentClass = currentClass
        self.style = style
        self.icpe = icpe
    }
}

/// Keeps the painting in `<folder>/autosave.json`, written atomically a short delay after the last change
/// (changes in between are coalesced into one write), so a crash or kill loses at most that delay.
/// `pending()` finds it at the next start; `clear()` removes it after a save or a clean quit.
public final class Autosave: Sendable {
    /// The environment variable naming the state folder.
    public static let folderVariable = "CLADE_PAINT_STATE"

    public let url: URL
    /// Seconds from a change to the write.
    public let delay: Double

    private struct Waiting {
        var record: AutosaveRecord?
        var scheduled = false
        var lastError: String?
    }

    private let queue = DispatchQueue(label: "clade-paint.autosave", qos: .utility)
    private let waiting = Mutex(Waiting())

    public init(folder: URL, delay: Double = 0.5) {
        url = folder.appendingPathComponent("autosave.json")
        self.delay = delay
    }

    /// `$CLADE_PAINT_STATE`, else `$XDG_STATE_HOME/clade-paint`, else `~/.local/state/clade-paint`.
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let folder = environment[folderVariable], !folder.isEmpty { return URL(fileURLWithPath: folder) }
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            return URL(fileURLWithPath: state).appendingPathComponent("clade-paint")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/state/clade-paint")
    }

    /// The painting left by an earlier run that did not quit cleanly, if any.
    /// - Throws: `PainterError` when the file exists but cannot be read (it is left in place).
    public func pending() throws -> AutosaveRecord? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(AutosaveRecord.self, from: Data(contentsOf: url))
        } catch {
            throw PainterError("\(url.path): the autosaved painting cannot be read (\(error.localizedDescription)); move it away to start afresh")
        }
    }

    /// Writes `record` after `delay` seconds, unless a newer record replaces it first.
    public func schedule(_ record: AutosaveRecord) {
        let start = waiting.withLock { waiting in
            waiting.record = record
            defer { waiting.scheduled = true }
            return !waiting.scheduled
        }
        if start {
            queue.asyncAfter(deadline: .now() + delay) { self.writeWaiting() }
        }
    }

    /// Writes a scheduled record now and waits for it (e.g. before exiting on a signal).
    public func flush() {
        queue.sync { self.writeWaiting() }
    }

    /// Drops any scheduled record and removes the file.
    public func clear() {
        queue.sync {
            waiting.withLock { $0.record = nil }
            try? FileManager.default.removeItem(at: url)
        }
    }

    /// The problem of the last failed write, if the last write failed.
    public func lastError() -> String? { waiting.withLock { $0.lastError } }

    /// Runs on `queue`.
    private func writeWaiting() {
        guard let record = waiting.withLock({ waiting -> AutosaveRecord? in
            defer {
                waiting.record = nil
                waiting.scheduled = false
            }
            return waiting.record
        }) else { return }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(record).write(to: url, options: .atomic)
            waiting.withLock { $0.lastError = nil }
        } catch {
            waiting.withLock { $0.lastError = "autosave to \(url.path) failed: \(error.localizedDescription)" }
        }
    }
}
