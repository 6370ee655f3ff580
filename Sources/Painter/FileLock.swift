import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock` on a file, held until `unlock()` (or until the process ends, however it ends: the kernel
/// drops the lock with the last descriptor, so a killed painter's files become free at once).
public final class FileLock: Sendable {
    public let path: String
    private let descriptor: Atomic<Int32>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Atomic(descriptor)
    }

    deinit { unlock() }

    /// Why `acquire` found no lock.
    public enum Failure: Error, Equatable {
        /// Another descriptor (another painter, or this one) holds it.
        case held
        /// The file does not exist (or vanished while it was being locked) and was not to be created.
        case missing
        /// It exists already and was to be created fresh.
        case exists
        /// The file cannot be opened or created: the system's reason.
        case unusable(String)
    }

    /// Locks the file at `path` without waiting.
    /// - creating: `true` creates the file and fails if it exists (a name nobody else uses), `false` locks an existing
    ///   file only.
    ///
    /// The lock is checked to be on the file the path names after locking: a file deleted between the `open` and the
    /// `flock` (by whoever held it last) gives `.missing`, never a lock on a file nobody else can see.
    public static func acquire(_ path: String, creating: Bool) -> Result<FileLock, Failure> {
        var descriptor =
            creating ? open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) : open(path, O_RDWR | O_CLOEXEC)
        // A lock file in a folder that cannot be written (a read-only state folder) can still be locked for reading.
        if descriptor < 0 && !creating && (errno == EROFS || errno == EACCES) {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
        }
        guard descriptor >= 0 else {
            switch errno {
            case ENOENT: return .failure(.missing)
            case EEXIST: return .failure(.exists)
            default: return .failure(.unusable(String(cString: strerror(errno))))
            }
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            close(descriptor)
            return .failure(reason == EWOULDBLOCK ? .held : .unusable(String(cString: strerror(reason))))
        }
        var opened = stat()
        var named = stat()
        guard fstat(descriptor, &opened) == 0, stat(path, &named) == 0, opened.st_dev == named.st_dev,
            opened.st_ino == named.st_ino
        else {
            close(descriptor)
            return .failure(.missing)
        }
        return .success(FileLock(path: path, descriptor: descriptor))
    }

    public var isLocked: Bool { descriptor.load(ordering: .acquiring) >= 0 }

    /// Gives the lock up (idempotent).
    public func unlock() {
        let old = descriptor.exchange(-1, ordering: .acquiringAndReleasing)
        if old >= 0 { close(old) }
    }

    /// Deletes the locked file, then gives the lock up: whoever waits on the old file finds it gone (`.missing`).
    public func removeFileAndUnlock() {
        if isLocked { unlink(path) }
        unlock()
    }
}
