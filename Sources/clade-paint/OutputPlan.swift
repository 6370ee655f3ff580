import Foundation

/// Where each rendered mask goes, decided and checked before anything is rendered.
///
/// - no `-o`: `<mask name>.render.png` in the current folder;
/// - `-o DIR` (an existing folder, or a path ending in `/`): `DIR/<mask name>.png`;
/// - `-o FILE`: only with a single mask.
/// Two masks may not land on one file, no output may replace an input, and an existing file is replaced only with
/// `force` (`OutputFile.checkWritable`).
struct OutputPlan {
    /// One output path per mask, in order.
    let paths: [String]

    init(masks: [String], output: String?, inputs: [String], force: Bool) throws {
        if let output {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: output, isDirectory: &isFolder)
            if exists && isFolder.boolValue {
                paths = masks.map { (output as NSString).appendingPathComponent(Self.stem(of: $0) + ".png") }
            } else if output.hasSuffix("/") {
                throw FileProblem(file: output, problem: "the output folder does not exist")
            } else if masks.count > 1 {
                throw FileProblem(
                    file: output, problem: "\(masks.count) masks need -o to name an existing folder, not a file")
            } else {
                paths = [output]
            }
        } else {
            paths = masks.map { Self.stem(of: $0) + ".render.png" }
        }

        var maskOfOutput: [String: String] = [:]
        for (mask, path) in zip(masks, paths) {
            if let other = maskOfOutput.updateValue(mask, forKey: Self.canonical(path)) {
                throw FileProblem(
                    file: path,
                    problem: "masks \(other) and \(mask) would both be written here; give them different names")
            }
            if OutputFile.isInput(path, inputs: inputs) {
                throw FileProblem(file: path, problem: "the output would replace an input file")
            }
        }
        for path in paths { try OutputFile.checkWritable(path, force: force) }
    }

    /// The file name without folder and extension.
    static func stem(of path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// An absolute path with `.` and `..` and symbolic links resolved, to compare paths.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
