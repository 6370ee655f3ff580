import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writing a file so that it appears whole or not at all: the content goes to a temporary file in the
/// destination's folder (same file system, so the final rename is atomic) and is renamed onto the destination.
public enum AtomicFile {
    /// Calls `body` with the path of a fresh temporary file (not yet created) next to `url`, then moves it onto
    /// `url`. If `body` throws or the move fails, the temporary file is removed and `url` is untouched.
    /// - replacing: whether an existing regular file at `url` may be replaced. Without it the finished file is
    ///   linked into place, which fails if the name was taken meanwhile, so nothing is ever overwritten.
    /// Only a regular file is ever replaced: a device node, a named pipe or a symbolic link at `url` is refused
    /// (a rename would put a plain file in place of `/dev/null`, or of the link rather than what it points to).
    public static func write(to url: URL, replacing: Bool = true, _ body: (String) throws -> Void) throws {
        let path = url.relativePath
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else {
            throw ImageFileError(path: path, problem: "cannot write: the folder \(folder.relativePath) does not exist")
        }
        guard isFolder.boolValue else {
            throw ImageFileError(path: path, problem: "cannot write: \(folder.relativePath) is not a folder")
        }
        if let problem = destinationProblem(url.path, replacing: replacing) {
            throw ImageFileError(path: path, problem: "cannot write: \(problem)")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt64.random(in: 0 ... .max)).tmp").path
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
            throw ImageFileError(path: path, problem: reason == EEXIST && !replacing
                ? "cannot write: \(existingFile)" : "cannot write: \(String(cString: strerror(reason)))")
        }
    }

    static let existingFile = "a file of that name exists"

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
