import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writing a file so that it appears whole or not at all: the content goes to a temporary file in the
/// destination's folder (same file system, so the final rename is atomic) and is renamed onto the destination.
enum AtomicFile {
    /// Calls `body` with the path of a fresh temporary file (not yet created) next to `url`, then renames it
    /// onto `url`. If `body` throws or the rename fails, the temporary file is removed and `url` is untouched.
    static func write(to url: URL, _ body: (String) throws -> Void) throws {
        let path = url.relativePath
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else {
            throw ImageFileError(path: path, problem: "cannot write: the folder \(folder.relativePath) does not exist")
        }
        guard isFolder.boolValue else {
            throw ImageFileError(path: path, problem: "cannot write: \(folder.relativePath) is not a folder")
        }
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw ImageFileError(path: path, problem: "cannot write: a folder of that name exists")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt64.random(in: 0 ... .max)).tmp").path
        do {
            try body(temporary)
        } catch {
            unlink(temporary)
            throw error
        }
        if rename(temporary, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ImageFileError(path: path, problem: "cannot write: \(reason)")
        }
    }
}
