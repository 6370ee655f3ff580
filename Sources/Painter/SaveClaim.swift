import Foundation
import ImageFiles

#if canImport(Glibc)
    import Glibc
#endif

/// One save's hold on its number: `<name>-NNN.saving`, created exclusively (`O_EXCL`), so two painters saving into
/// one folder never write the same set. The set's files are then written each whole (temporary file and rename), the
/// JSON last, and the claim goes. A failed save removes what it wrote. A kill midway leaves the claim next to the
/// files written so far: an unfinished set, which a later save counts past and never mixes with its own.
public struct SaveClaim: Sendable {
    public let files: SavedFiles

    /// What the claim file says to someone who finds it after a save was interrupted.
    static let note =
        "clade-paint is writing (or was interrupted writing) the files of this number; the set is complete once its .json exists.\n"

    /// Claims the next free number for `name` in `folder`.
    /// - Throws: `PainterError` naming the folder or the claim file and the problem.
    public static func make(in folder: URL, name: String) throws -> SaveClaim {
        // Each round loses only to a save that claimed the same number in between, and then moves past it.
        for _ in 0 ..< 1000 {
            let files = try SavedFiles.next(in: folder, name: name)
            let descriptor = open(files.claim.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                _ = note.withCString { Glibc.write(descriptor, $0, strlen($0)) }
                close(descriptor)
                return SaveClaim(files: files)
            }
            guard errno == EEXIST else {
                throw PainterError("cannot save into \(folder.relativePath): \(String(cString: strerror(errno)))")
            }
        }
        throw PainterError("cannot save into \(folder.relativePath): other saves keep taking the next number")
    }

    /// Why no save can be made in `folder`, if none can (checked ahead, e.g. at the painter's start).
    public static func problem(in folder: URL) -> String? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else {
            return "\(folder.relativePath): no such folder"
        }
        guard isFolder.boolValue else { return "\(folder.relativePath) is not a folder" }
        guard access(folder.path, W_OK) == 0 else {
            return "\(folder.relativePath) cannot be written: \(String(cString: strerror(errno)))"
        }
        return nil
    }

    /// Runs `writers`, each writing one file of the set, in order (the JSON last), then removes the claim.
    /// - Throws: `PainterError` naming the file that failed and why, after removing every file this save wrote.
    public func write(_ writers: [(url: URL, write: () throws -> Void)]) throws {
        var written: [URL] = []
        for writer in writers {
            do {
                try writer.write()
                written.append(writer.url)
            } catch {
                for url in written + [files.claim] { unlink(url.path) }
                throw PainterError(
                    file: writer.url.relativePath, "\(WriteFailure.reason(error)); nothing of this save was kept")
            }
        }
        unlink(files.claim.path)
    }

}
