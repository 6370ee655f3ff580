import Foundation

/// A painting autosaved by a painter that is no longer running: its `Autosave` file, whose lock nobody holds. It is
/// locked for the painter that found it, so that no other painter starting meanwhile offers it too.
public final class OrphanedAutosave: Sendable {
    public let url: URL
    public let record: AutosaveRecord
    /// nil where the lock file cannot be made (a read-only state folder: nobody can be writing there).
    private let lock: FileLock?

    init(url: URL, record: AutosaveRecord, lock: FileLock?) {
        self.url = url
        self.record = record
        self.lock = lock
    }

    /// Leaves it for a later start (it was not taken over: the restore failed, or the painter ends first).
    public func release() { lock?.unlock() }

    /// Deletes it: its painting lives on elsewhere now.
    func remove() {
        guard lock?.isLocked ?? true else { return }
        try? FileManager.default.removeItem(at: url)
        lock?.removeFileAndUnlock()
    }
}

/// What a starting painter finds in the state folder: the autosaves of painters that ended without a clean quit
/// (killed, crashed, their terminal closed). Autosaves of painters still running are left alone.
public struct OrphanedAutosaves: Sendable {
    /// The newest, locked for this painter.
    public let newest: OrphanedAutosave?
    /// How many more there are (each is offered at a later start).
    public let waiting: Int
    /// The files that cannot be read, each in words; they are left in place.
    public let problems: [String]

    /// Looks through `folder`; lock files left by painters that were killed before their first autosave are removed.
    public static func find(in folder: URL) -> OrphanedAutosaves {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
            $0.hasPrefix("autosave")
        }
        var found: [OrphanedAutosave] = []
        var problems: [String] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let url = folder.appendingPathComponent(name)
            let lock: FileLock?
            switch claim(Autosave.lockURL(of: url).path) {
            case .held: continue
            case .locked(let held): lock = held
            case .unlockable: lock = nil
            }
            do {
                found.append(OrphanedAutosave(url: url, record: try AutosaveRecord.read(url), lock: lock))
            } catch {
                lock?.unlock()
                problems.append("\(error.localizedDescription)")
            }
        }
        for name in names where name.hasSuffix(".lock") {
            let lockURL = folder.appendingPathComponent(name)
            let json = lockURL.deletingPathExtension().appendingPathExtension("json")
            guard !FileManager.default.fileExists(atPath: json.path),
                case .success(let lock) = FileLock.acquire(lockURL.path, creating: false)
            else { continue }
            // Locked now, so no painter can be about to write its autosave: the lock file is stale.
            if FileManager.default.fileExists(atPath: json.path) { lock.unlock() } else { lock.removeFileAndUnlock() }
        }
        found.sort { $0.record.savedAt > $1.record.savedAt }
        for older in found.dropFirst() { older.release() }
        return OrphanedAutosaves(newest: found.first, waiting: max(0, found.count - 1), problems: problems)
    }

    private enum Claim {
        case locked(FileLock)
        /// A read-only folder: no lock file can be made there, and nobody can be writing.
        case unlockable
        /// A running painter holds it.
        case held
    }

    private static func claim(_ path: String) -> Claim {
        switch FileLock.acquire(path, creating: false) {
        case .success(let lock): return .locked(lock)
        case .failure(.held): return .held
        case .failure(.missing), .failure(.exists):
            // No lock file: an autosave of an earlier clade-paint, which made none. Make one to hold.
            switch FileLock.acquire(path, creating: true) {
            case .success(let lock): return .locked(lock)
            case .failure(.unusable): return .unlockable
            case .failure: return .held
            }
        case .failure(.unusable): return .unlockable
        }
    }
}
