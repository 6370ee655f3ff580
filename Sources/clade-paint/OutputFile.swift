import Foundation
import ImageFiles

#if canImport(Glibc)
    import Glibc
#endif

/// Output paths: checked before any work starts, written whole or not at all (`AtomicFile`), and never put in
/// place of an input, of anything but a regular file, or (without `--force`) of an existing file.
enum OutputFile {
    /// Throws unless a file can be created at `path` (or, with `force`, an existing regular file replaced): its
    /// folder exists, is a folder and is writable, and `path` is not a folder, link, device or other special file.
    static func checkWritable(_ path: String, force: Bool) throws {
        let url = URL(fileURLWithPath: path)
        do { try AtomicFile.check(url, replacing: force) } catch let error as ImageFileError {
            // An existing regular file: render never overwrites unless told to.
            let replaceable = AtomicFile.destinationProblem(url.path, replacing: force) == AtomicFile.existingFile
            throw FileProblem(file: path, problem: error.problem + (replaceable ? "; give --force to replace it" : ""))
        }
        let folder = url.deletingLastPathComponent()
        guard access(folder.path, W_OK) == 0 else {
            throw FileProblem(
                file: path,
                problem:
                    "cannot write: the folder \(folder.relativePath) is not writable (\(String(cString: strerror(errno))))"
            )
        }
    }

    /// Whether `path` is one of `inputs`: the same file, however named (links, `..`), so only an existing file can be.
    static func isInput(_ path: String, inputs: [String]) -> Bool {
        guard let output = identity(path) else { return false }
        return inputs.contains { identity($0) == output }
    }

    /// The device and inode of an existing file (links followed), or nil.
    private static func identity(_ path: String) -> [UInt64]? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return [UInt64(status.st_dev), UInt64(status.st_ino)]
    }
}
