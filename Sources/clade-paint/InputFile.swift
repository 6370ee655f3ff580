import Foundation
import ImageFiles

/// Input paths, checked before a reader opens them, so a folder, a named pipe or a missing file gets a plain message.
enum InputFile {
    /// Throws unless `path` names an existing regular file (`RegularFile.check`); `kind` names it in the message.
    static func checkExists(_ path: String, kind: String = "file") throws {
        try FileProblem.attributing(to: path) { try RegularFile.check(path, kind: kind) }
    }
}
