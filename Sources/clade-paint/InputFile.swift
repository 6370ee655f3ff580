import Foundation

/// Input paths, checked before a reader opens them, so a folder or a missing file gets a plain message.
enum InputFile {
    /// Throws unless `path` names an existing file that is not a folder.
    static func checkExists(_ path: String, kind: String = "file") throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw FileProblem(file: path, problem: "no such \(kind)")
        }
        guard !isFolder.boolValue else {
            throw FileProblem(file: path, problem: "this is a folder, not a \(kind)")
        }
    }
}
