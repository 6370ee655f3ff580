import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one way this project writes a file: the content goes to a temporary file in the destination's folder (same
/// file system, so the final rename is atomic), is flushed to disk, and is renamed onto the destination, so the file
/// appears whole or not at all. PNG files, JSON (sessions, the autosave, the list of recent saves) and the command
/// line's outputs all go through it.
public enum AtomicFile {
    /// Writes `data` to `url` (`replacing` as below).
    public static func write(_ data: Data, to url: URL, replacing: Bool = true) throws {
        try write(to: url, replacing: replacing) { temporary in
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            guard descriptor >= 0 else {
                throw ImageFileError(
                    path: url.relativePath, problem: "cannot create the file: \(String(cString: strerror(errno)))")
            }
            defer { close(descriptor) }
            let written = data.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    guard count >= 0 || errno == EINTR else { return false }
                    offset += max(count, 0)
                }
                // The data is on disk before the rename makes the file visible.
                return fsync(descriptor) == 0
            }
            guard written else {
                throw ImageFileError(
                    path: url.relativePath, problem: "write error: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Calls `body` with the path of a fresh temporary file (not yet created) next to `url`, then moves it onto
    /// `url`; `body` must leave the file flushed to disk. If `body` throws or the move fails, the temporary file is
    /// removed and `url` is untouched.
    /// - replacing: whether an existing regular file at `url` may be replaced. Without it the finished file is
    ///   linked into place, which fails if the name was taken meanwhile, so nothing is ever overwritten.
    public static func write(to url: URL, replacing: Bool = true, _ body: (String) throws -> Void) throws {
        try check(url, replacing: replacing)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt64.random(in: 0 ... .max)).tmp").path
        do {
            try body(temporary)
        } catch {
            unlink(temporary)
            throw error
        }
        let moved = replacing ? rename(temporary, url.path) : link(temporary, url.path)
        let reason = errno
        if moved != 0 || !replacing { unlink(temporary) }
        if moved != 0 {
            throw ImageFileError(
                path: url.relativePath,
                problem: reason == EEXIST && !replacing
                    ? "cannot write: \(existingFile)" : "cannot write: \(String(cString: strerror(reason)))")
        }
    }

    /// Throws unless `url` can take a written file: its folder exists and is a folder, and `url` is absent or (with
    /// `replacing`) a regular file. Only a regular file is ever replaced: a device node, a named pipe or a symbolic
    /// link is refused (a rename would put a plain file in place of `/dev/null`, or of the link rather than what it
    /// points to). Messages name the file and its folder as `url.relativePath` does.
    public static func check(_ url: URL, replacing: Bool) throws {
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else {
            throw ImageFileError(
                path: url.relativePath, problem: "cannot write: the folder \(folder.relativePath) does not exist")
        }
        guard isFolder.boolValue else {
            throw ImageFileError(
                path: url.relativePath, problem: "cannot write: \(folder.relativePath) is not a folder")
        }
        if let problem = destinationProblem(url.path, replacing: replacing) {
            throw ImageFileError(path: url.relativePath, problem: "cannot write: \(problem)")
        }
    }

    /// What `destinationProblem` says of an existing regular file that may not be replaced.
    public static let existingFile = "a file of that name exists"

    /// Why the file at `path` must not be replaced, or nil when it is absent or a regular file that may be.
    public static func destinationProblem(_ path: String, replacing: Bool) -> String? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        let type = status.st_mode & S_IFMT
        switch type {
        case S_IFREG: return replacing ? nil : existingFile
        case S_IFDIR: return "a folder of that name exists"
        case S_IFLNK:
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { " (to \($0))" } ?? ""
            return "this is a symbolic link\(target); only a regular file is replaced, so name the file itself"
        default:
            return "this is \(RegularFile.describe(type)); only a regular file is replaced"
        }
    }
}
