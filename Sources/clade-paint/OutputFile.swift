import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Output paths: checked before any work starts, written whole or not at all.
enum OutputFile {
    /// Throws unless a file can be created or replaced at `path`: its folder exists, is a folder and is writable,
    /// and `path` itself is not a folder.
    static func checkWritable(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let folderName = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else {
            throw FileProblem(file: path, problem: "cannot write: the folder \(folderName) does not exist")
        }
        guard isFolder.boolValue else {
            throw FileProblem(file: path, problem: "cannot write: \(folderName) is not a folder")
        }
        guard access(folder.path, W_OK) == 0 else {
            throw FileProblem(file: path, problem: "cannot write: the folder \(folderName) is not writable (\(String(cString: strerror(errno))))")
        }
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw FileProblem(file: path, problem: "cannot write: a folder of that name exists")
        }
    }

    /// Writes `data` to a temporary file next to `path` and renames it onto `path`; on failure nothing is left.
    static func write(_ data: Data, to path: String) throws {
        try checkWritable(path)
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt64.random(in: 0 ... .max)).tmp").path
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            unlink(temporary)
            throw FileProblem(file: path, problem: "cannot write the file")
        }
        guard rename(temporary, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw FileProblem(file: path, problem: "cannot write: \(reason)")
        }
    }
}
