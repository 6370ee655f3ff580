import CLADE
import Dispatch
import Foundation
import ImageFiles
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
    /// How the grid reaches the picture; nil in autosaves written before it was recorded (the class vote).
    public var upsampling: LabelUpsampling.Method?

    public init(
        savedAt: Date, model: String, width: Int, height: Int, canvas: Canvas, currentClass: Int32,
        style: StyleSelection, icpe: Bool,
        upsampling: LabelUpsampling.Method? = nil
    ) {
        self.upsampling = upsampling
        self.savedAt = savedAt
        self.model = model
        self.width = width
        self.height = height
        self.canvas = canvas
        self.currentClass = currentClass
        self.style = style
        self.icpe = icpe
    }

    /// Reads an autosave file.
    /// - Throws: `PainterError` naming the file when it cannot be read.
    public static func read(_ url: URL) throws -> AutosaveRecord {
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(AutosaveRecord.self, from: Data(contentsOf: url))
        } catch {
            throw PainterError(
                file: url.path,
                "the autosaved painting cannot be read (\(error.localizedDescription)); it is left in place")
        }
    }
}

/// Keeps one painter's painting in a file of its own, `<folder>/autosave-<pid>-<random>.json`, written atomically a
/// short delay after the last change (changes in between are coalesced into one write), so a crash or kill loses at
/// most that delay. Every painter in one state folder has its own file: the file's `flock`ed `.lock` twin, held for the
/// painter's lifetime, tells a running painter's autosave from an orphan (`OrphanedAutosaves`), whose lock is free.
///
/// An orphan taken over (restored, or declined) is handed to `supersede(_:)`: it is deleted only once this painter's
/// own file has been written after that, so the earlier painting lives on until the person painted something new.
/// `clear()` removes this painter's own file (after a save, or a quit the person confirmed), never an orphan.
public final class Autosave: Sendable {
    /// The environment variable naming the state folder.
    public static let folderVariable = "CLADE_PAINT_STATE"

    public let folder: URL
    /// This painter's autosave file.
    public let url: URL
    /// Seconds from a change to the write.
    public let delay: Double
    /// Held while the painter runs; nil when none could be made (then nothing is written and `lastError` says why).
    private let lock: FileLock?

    private struct Waiting {
        var record: AutosaveRecord?
        var scheduled = false
        var lastError: String?
        /// Orphans to delete after the next successful write.
        var superseded: [OrphanedAutosave] = []
    }

    private let queue = DispatchQueue(label: "clade-paint.autosave", qos: .utility)
    private let waiting: Mutex<Waiting>

    /// Claims a fresh autosave file in `folder` (created if missing). A folder that cannot be written leaves the
    /// painter without autosave: `lastError()` says so from the start.
    public init(folder: URL, delay: Double = 0.5) {
        self.folder = folder
        self.delay = delay
        var problem: String?
        var claimed: (url: URL, lock: FileLock)?
        do {
            if !FileManager.default.fileExists(atPath: folder.path) {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            }
            // Another painter's name can only clash by chance (same pid in another container, same random number).
            for _ in 0 ..< 16 where claimed == nil {
                let name = "autosave-\(getpid())-\(String(UInt32.random(in: 0 ... .max), radix: 16))"
                let url = folder.appendingPathComponent("\(name).json")
                switch FileLock.acquire(Self.lockURL(of: url).path, creating: true) {
                case .success(let lock): claimed = (url, lock)
                case .failure(.unusable(let reason)):
                    problem = "autosave off: cannot create a file in \(folder.path): \(reason)"
                case .failure: continue
                }
                if problem != nil { break }
            }
        } catch {
            problem = "autosave off: cannot make the folder \(folder.path): \(WriteFailure.reason(error))"
        }
        url = claimed?.url ?? folder.appendingPathComponent("autosave-\(getpid()).json")
        lock = claimed?.lock
        waiting = Mutex(
            Waiting(lastError: claimed == nil ? problem ?? "autosave off: no free name in \(folder.path)" : nil))
    }

    /// The lock file that goes with the autosave file `url`.
    static func lockURL(of url: URL) -> URL { url.deletingPathExtension().appendingPathExtension("lock") }

    /// `$CLADE_PAINT_STATE`, else `$XDG_STATE_HOME/clade-paint`, else `~/.local/state/clade-paint`.
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let folder = environment[folderVariable], !folder.isEmpty { return URL(fileURLWithPath: folder) }
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            return URL(fileURLWithPath: state).appendingPathComponent("clade-paint")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/state/clade-paint")
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

    /// Drops any scheduled record and removes this painter's file (never an orphan's).
    public func clear() {
        queue.sync {
            waiting.withLock { $0.record = nil }
            try? FileManager.default.removeItem(at: url)
        }
    }

    /// Deletes `orphan` once a record scheduled from now on has been written: its painting was restored into this
    /// painter, or declined and then painted over.
    public func supersede(_ orphan: OrphanedAutosave) {
        waiting.withLock { $0.superseded.append(orphan) }
    }

    /// Ends this painter's claim at a clean exit: the lock file goes unless a painting is kept in the autosave file
    /// (then both stay, and the next start offers it).
    public func close() {
        queue.sync {
            waiting.withLock { for orphan in $0.superseded { orphan.release() } }
            if FileManager.default.fileExists(atPath: url.path) { lock?.unlock() } else { lock?.removeFileAndUnlock() }
        }
    }

    /// The problem of the last failed write, if the last write failed (or the autosave is off).
    public func lastError() -> String? { waiting.withLock { $0.lastError } }

    /// Runs on `queue`.
    private func writeWaiting() {
        guard
            let (record, superseded) = waiting.withLock({ waiting -> (AutosaveRecord, [OrphanedAutosave])? in
                defer {
                    waiting.record = nil
                    waiting.scheduled = false
                }
                return waiting.record.map { ($0, waiting.superseded) }
            })
        else { return }
        guard lock?.isLocked == true else { return }
        do {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            try AtomicFile.write(encoder.encode(record), to: url)
            waiting.withLock { waiting in
                waiting.lastError = nil
                waiting.superseded.removeAll { orphan in superseded.contains { $0 === orphan } }
            }
            for orphan in superseded { orphan.remove() }
        } catch {
            waiting.withLock { $0.lastError = "autosave to \(url.path) failed: \(WriteFailure.reason(error))" }
        }
    }
}
